import { fileURLToPath } from 'node:url';
import { type BundleFigures, measureBundle } from '@tidings/test-kit/bundle';
import { beforeAll, describe, expect, test } from 'vitest';

/**
 * Bounds on the workspace's sources, checked on every run without a build. The figure of record
 * (built `dist`, a client written by the installed `tidings generate`) is taken by the consumer
 * test, scripts/consumer/consumer.test.ts; raise these only with a reason in the README.
 */
const MAX_GZIP_LOADED = 10_400;
const MAX_GZIP_SINGLE_FILE = 12_500;

// A generated client (descriptor, no schemas) is the browser entry point.
const entry = fileURLToPath(new URL('./fixtures/market-client.ts', import.meta.url));
const workDir = fileURLToPath(new URL('..', import.meta.url));

describe('browser bundle of a generated client, from sources (esbuild, minified + gzipped)', () => {
  let figures: BundleFigures;
  beforeAll(async () => {
    figures = await measureBundle(entry, { workDir, conditions: ['@tidings/source'] });
  });

  test(`what a page loads stays under ${MAX_GZIP_LOADED} bytes, with no zod and no fingerprint code`, () => {
    const inputs = figures.loadedInputs;
    expect(inputs.some((input) => input.includes('/zod/'))).toBe(false);
    expect(inputs.some((input) => /json-schema|fingerprint/.test(input))).toBe(false);
    expect(inputs.some((input) => input.includes('eventsource-parser'))).toBe(true);
    // Sources, not a stale build: the workspace condition resolved @tidings/client to src/.
    expect(inputs.some((input) => input.endsWith('src/create-client.ts'))).toBe(true);
    expect(figures.loaded).toBeGreaterThan(1000);
    expect(figures.loaded).toBeLessThan(MAX_GZIP_LOADED);
  });

  test(`a single-file bundle stays under ${MAX_GZIP_SINGLE_FILE} bytes, with no zod`, () => {
    expect(figures.singleFileInputs.some((input) => input.includes('/zod/'))).toBe(false);
    expect(figures.singleFile).toBeLessThan(MAX_GZIP_SINGLE_FILE);
  });
});
