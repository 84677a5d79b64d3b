import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describeRun, run } from '@tidings/test-kit/process';
import { expect, test } from 'vitest';

const cwd = resolve(dirname(fileURLToPath(import.meta.url)), '..');

test('the generated client is what `tidings generate` writes for the market contract (`tidings check` exits 0)', async () => {
  const cli = resolve(cwd, 'node_modules/@tidings/codegen/bin/tidings.mjs');
  const args = ['check', '--contract', '../../market/contract/src/index.ts', '--export', 'market'];
  const result = await run(process.execPath, [cli, ...args, '--out', 'src/market.generated.ts'], {
    cwd,
    timeoutMs: 25_000,
  });
  expect(result.code, describeRun(result)).toBe(0);
}, 30_000);
