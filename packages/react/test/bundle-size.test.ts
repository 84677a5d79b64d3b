import { fileURLToPath } from 'node:url';
import { type BundleFigures, measureBundle } from '@tidings/test-kit/bundle';
import { beforeAll, describe, expect, test } from 'vitest';

/**
 * What the hooks add to a page that already loads a generated client and React (esbuild, minified,
 * gzip -9), from the workspace's sources on every run; the figure of record (the published `dist`) is
 * the consumer test's, scripts/consumer/consumer.test.ts. Raise this only with a reason in the README.
 */
const MAX_HOOKS_GZIP = 1_400;

const fixture = (name: string) => fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));
const workDir = fileURLToPath(new URL('..', import.meta.url));

describe('bundle cost of the hooks, on top of a generated client and React (from sources)', () => {
  let baseline: BundleFigures;
  let hooks: BundleFigures;
  beforeAll(async () => {
    const options = { workDir, conditions: ['@tidings/source'] };
    [baseline, hooks] = await Promise.all([
      measureBundle(fixture('bundle-baseline.ts'), options),
      measureBundle(fixture('bundle-hooks.ts'), options),
    ]);
  }, 60_000);

  test(`the hooks add at most ${MAX_HOOKS_GZIP} bytes to what a page loads, and bring no zod`, async ({
    annotate,
  }) => {
    const added = hooks.loaded - baseline.loaded;
    await annotate(`hooks: +${added} B loaded (+${hooks.singleFile - baseline.singleFile} B single file)`);
    // Both bundles hold the client and React; only the hooks' own sources differ.
    // Inputs are relative to this package: its sources are `src/…`.
    const ours = (inputs: readonly string[]) => inputs.filter((input) => input.startsWith('src/'));
    expect(ours(hooks.loadedInputs)).toContain('src/use-stream-store.ts');
    expect(ours(baseline.loadedInputs)).toEqual([]);
    expect(hooks.loadedInputs.some((input) => input.includes('/react/cjs/react.production'))).toBe(true);
    expect(hooks.loadedInputs.some((input) => input.includes('/zod/'))).toBe(false);
    expect(added).toBeGreaterThan(300);
    expect(added).toBeLessThanOrEqual(MAX_HOOKS_GZIP);
    expect(hooks.singleFile - baseline.singleFile).toBeLessThanOrEqual(MAX_HOOKS_GZIP);
  });
});
