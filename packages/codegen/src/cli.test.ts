import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';
import { runCli } from './run-cli.ts';
import { runTidings } from './test-support/run-tidings.ts';
import { createTempWorkspace } from './test-support/temp-workspace.ts';

const here = path.dirname(fileURLToPath(import.meta.url));
const manifest = JSON.parse(await readFile(path.join(here, '..', 'package.json'), 'utf8')) as {
  version: string;
};
const STACK_FRAME = /^\s+at /m;

describe('the tidings CLI as a child process', () => {
  test('--help prints the usage and exits 0', async () => {
    const run = await runTidings(['--help'], { cwd: here });
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(
      /^Usage: tidings <command> --contract <file> \[--export <name>\] --out <file>\n/,
    );
    expect(run.stdout).toContain(
      'Exit codes: 0 done (check: up to date; diff: safe), 1 failed (check: stale; diff: breaking), 2 usage error.',
    );
    expect(run.stderr).toBe('');
  });

  test('--version prints the package version', async () => {
    const run = await runTidings(['--version'], { cwd: here });
    expect(run).toEqual({ code: 0, stdout: `${manifest.version}\n`, stderr: '' });
  });

  test('a usage error exits 2 with the reason and a pointer to --help', async () => {
    const run = await runTidings(['generate', '--contract', 'c.ts', '--oops'], { cwd: here });
    expect(run).toEqual({
      code: 2,
      stdout: '',
      stderr: "tidings: Unknown option '--oops'\nRun `tidings --help` for usage.\n",
    });
  });

  test.each([
    [[], 'tidings: no command given; expected generate, check, asyncapi or diff.'],
    [['check', '--contract', 'c.ts'], 'tidings: check needs --out <file>: the file to compare.'],
    [['asyncapi', '--contract', 'c.ts', '--out', 'api.txt'], 'tidings: asyncapi writes YAML or JSON'],
  ])('runCli returns 2 for usage errors: %j', async (argv, message) => {
    let stderr = '';
    const code = await runCli(argv, { stdout: () => {}, stderr: (text) => (stderr += text), cwd: here });
    expect(code).toBe(2);
    expect(stderr.startsWith(message)).toBe(true);
    expect(stderr.endsWith('Run `tidings --help` for usage.\n')).toBe(true);
  });

  test('a missing contract file exits 1 with one line and no stack trace', async () => {
    const run = await runTidings(['generate', '--contract', 'nope/contract.ts', '--out', 'x.ts'], {
      cwd: here,
    });
    expect(run.code).toBe(1);
    expect(run.stderr).toBe(
      '@tidings/codegen: contract file nope/contract.ts does not exist; expected a .ts module that exports a contract made with defineContract().\n',
    );
    expect(run.stderr).not.toMatch(STACK_FRAME);
  });

  test('asyncapi writes a JSON document beside the contract', async () => {
    await using workspace = await createTempWorkspace();
    await workspace.write({
      'src/contract.ts': [
        "import { defineContract, defineStream } from '@tidings/contract';",
        "import { z } from 'zod';",
        'export const feed = defineContract({',
        "  items: defineStream({ path: '/items/:list', events: { added: z.object({ title: z.string() }) } }),",
        '});',
        '',
      ].join('\n'),
    });
    const run = await runTidings(
      ['asyncapi', '--contract', 'src/contract.ts', '--out', 'docs/asyncapi.json'],
      {
        cwd: workspace.dir,
      },
    );
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toBe(
      'Wrote docs/asyncapi.json (AsyncAPI 3.0) from src/contract.ts (export "feed").\n',
    );
    const document = JSON.parse(await readFile(path.join(workspace.dir, 'docs/asyncapi.json'), 'utf8'));
    expect(document.asyncapi).toBe('3.0.0');
    expect(document.channels.items.address).toBe('/items/{list}');
  });
});
