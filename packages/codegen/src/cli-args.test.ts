import { describe, expect, test } from 'vitest';
import { CliUsageError, parseCliArgs } from './cli-args.ts';

describe('parseCliArgs', () => {
  test('commands with their flags', () => {
    expect(parseCliArgs(['generate', '--contract', 'c.ts', '--out', 'o.ts'])).toEqual({
      kind: 'run',
      command: 'generate',
      contract: 'c.ts',
      export: undefined,
      out: 'o.ts',
    });
    expect(parseCliArgs(['check', '--contract=c.ts', '--export=market', '--out=o.ts'])).toMatchObject({
      command: 'check',
      export: 'market',
    });
    expect(parseCliArgs(['asyncapi', '--contract', 'c.ts', '--out', 'api.YML'])).toMatchObject({
      command: 'asyncapi',
    });
  });

  test('diff with its flags', () => {
    expect(parseCliArgs(['diff', '--base', 'origin/main', '--contract', 'c.ts'])).toEqual({
      kind: 'diff',
      contract: 'c.ts',
      export: undefined,
      base: 'origin/main',
      output: 'text',
      fingerprints: 'none',
    });
    expect(
      parseCliArgs([
        'diff',
        '--base=HEAD~1',
        '--contract=c.ts',
        '--export=market',
        '--json',
        '--fingerprints',
      ]),
    ).toEqual({
      kind: 'diff',
      contract: 'c.ts',
      export: 'market',
      base: 'HEAD~1',
      output: 'json',
      fingerprints: 'chain',
    });
  });

  test('help and version win over everything else', () => {
    expect(parseCliArgs(['--help'])).toEqual({ kind: 'help' });
    expect(parseCliArgs(['generate', '-h'])).toEqual({ kind: 'help' });
    expect(parseCliArgs(['help'])).toEqual({ kind: 'help' });
    expect(parseCliArgs(['-v'])).toEqual({ kind: 'version' });
  });

  test.each([
    [[], 'no command given; expected generate, check, asyncapi or diff.'],
    [['build'], 'unknown command "build"; expected generate, check, asyncapi or diff.'],
    [
      ['generate', '--out', 'o.ts'],
      'generate needs --contract <file>: the module that exports the contract.',
    ],
    [['check', '--contract', 'c.ts'], 'check needs --out <file>: the file to compare.'],
    [
      ['generate', '--contract', 'c.ts', '--out', 'o.ts', 'extra'],
      'unexpected argument "extra" after "generate".',
    ],
    [
      ['asyncapi', '--contract', 'c.ts', '--out', 'api.txt'],
      'asyncapi writes YAML or JSON; expected --out to end in .yaml, .yml or .json (got api.txt).',
    ],
    [['generate', '--contract', 'c.ts', '--out', 'o.ts', '--export='], '--export needs a name.'],
    [['generate', '--bogus'], "Unknown option '--bogus'"],
    [
      ['diff', '--contract', 'c.ts'],
      'diff needs --base <git ref or file>: the old contract (origin/main, HEAD~1, or a file).',
    ],
    [
      ['diff', '--contract', 'c.ts', '--base', 'HEAD', '--out', 'o.ts'],
      'diff takes no --out; it prints its report.',
    ],
    [['diff', '--base', 'HEAD'], 'diff needs --contract <file>: the module that exports the contract.'],
    [
      ['check', '--contract', 'c.ts', '--out', 'o.ts', '--base', 'HEAD'],
      '--base belongs to diff, not check.',
    ],
    [['generate', '--contract', 'c.ts', '--out', 'o.ts', '--json'], '--json belongs to diff, not generate.'],
    [['generate', '--contract'], "Option '--contract <value>' argument missing"],
  ])('usage error for %j', (argv, message) => {
    expect(() => parseCliArgs(argv)).toThrow(CliUsageError);
    expect(() => parseCliArgs(argv)).toThrow(message);
  });
});
