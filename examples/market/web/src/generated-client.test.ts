import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, test } from 'vitest';

const cwd = resolve(dirname(fileURLToPath(import.meta.url)), '..');

test('the generated client is what `tidings generate` writes for the contract (`tidings check` exits 0)', async () => {
  const cli = resolve(cwd, 'node_modules/@tidings/codegen/bin/tidings.mjs');
  const child = spawn(
    process.execPath,
    [
      cli,
      'check',
      '--contract',
      '../contract/src/index.ts',
      '--export',
      'market',
      '--out',
      'src/market.generated.ts',
    ],
    { cwd, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  await using _child = {
    async [Symbol.asyncDispose]() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    },
  };
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  child.stderr.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  const [code] = (await once(child, 'exit')) as [number | null];
  expect(code, output).toBe(0);
}, 30_000);
