import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';
import { runCli } from './run-cli.ts';

const here = path.dirname(fileURLToPath(import.meta.url));

async function cli(...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await runCli(argv, {
    stdout: (text) => {
      stdout += text;
    },
    stderr: (text) => {
      stderr += text;
    },
    cwd: here,
  });
  return { code, stdout, stderr };
}

const STACK_FRAME = /^\s+at /m;
/** Never written: every run here fails before writing. */
const OUT = path.join(os.tmpdir(), 'tidings-codegen-never-written.ts');

describe('contract errors: exit 1 with a message naming the file and what was expected', () => {
  test('a missing file', async () => {
    const run = await cli('generate', '--contract', '__fixtures__/missing.ts', '--out', OUT);
    expect(run.code).toBe(1);
    expect(run.stderr).toBe(
      '@tidings/codegen: contract file __fixtures__/missing.ts does not exist; expected a .ts module that exports a contract made with defineContract().\n',
    );
  });

  test('a module without a contract export', async () => {
    const run = await cli('generate', '--contract', '__fixtures__/no-contract.ts', '--out', OUT);
    expect(run.code).toBe(1);
    expect(run.stderr).toBe(
      '@tidings/codegen: __fixtures__/no-contract.ts exports no contract (its exports: "answer", "greet"); expected an export made with defineContract().\n',
    );
  });

  test('a module with two contracts and no --export', async () => {
    const run = await cli('generate', '--contract', '__fixtures__/two-contracts.ts', '--out', OUT);
    expect(run.code).toBe(1);
    expect(run.stderr).toBe(
      '@tidings/codegen: __fixtures__/two-contracts.ts exports 2 contracts ("admin", "market"); choose one with --export <name>.\n',
    );
  });

  test('a contract that does not type-check lists the errors with file and line', async () => {
    const run = await cli('generate', '--contract', '__fixtures__/broken/type-error.ts', '--out', OUT);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(
      /^@tidings\/codegen: __fixtures__\/broken\/type-error\.ts does not type-check, so its types cannot be read; expected a contract that compiles\. 1 error\(s\):\n {2}__fixtures__\/broken\/type-error\.ts:8:5 - error TS\d+: /,
    );
    expect(run.stderr).toContain("the params schema's keys must be the path params of");
    expect(run.stderr).not.toMatch(STACK_FRAME);
  });

  test('a contract that defineContract refuses when imported', async () => {
    const run = await cli('generate', '--contract', '__fixtures__/duplicate-paths.ts', '--out', OUT);
    expect(run.code).toBe(1);
    expect(run.stderr).toBe(
      '@tidings/codegen: importing __fixtures__/duplicate-paths.ts failed: @tidings/contract: streams "bySymbol" and "byVenue" have the same path shape "/ticker/:venue"; give each its own path.\n',
    );
  });

  test('a payload type with no JSON form names the stream, the event and the field', async () => {
    const run = await cli('generate', '--contract', '__fixtures__/date-payload.ts', '--out', OUT);
    expect(run.code).toBe(1);
    expect(run.stderr).toBe(
      '@tidings/codegen: __fixtures__/date-payload.ts: stream "clock", event "tick", field "at" is a Date, which has no JSON form (use z.string().datetime() for dates, arrays and objects for collections).\n',
    );
  });
});
