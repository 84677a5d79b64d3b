import path from 'node:path';
import { parseArgs } from 'node:util';

/** A command line the CLI cannot run: exit code 2. */
export class CliUsageError extends Error {
  override name = 'CliUsageError';
}

/** The CLI's commands. */
export type CliCommand = 'generate' | 'check' | 'asyncapi' | 'diff';

/** A parsed command line. */
export type CliArgs =
  | { kind: 'help' }
  | { kind: 'version' }
  | {
      kind: 'run';
      command: Exclude<CliCommand, 'diff'>;
      contract: string;
      export: string | undefined;
      out: string;
    }
  | {
      kind: 'diff';
      contract: string;
      export: string | undefined;
      base: string;
      output: 'text' | 'json';
      fingerprints: 'none' | 'chain';
    };

/** `tidings --help`. */
export const USAGE = `Usage: tidings <command> --contract <file> [--export <name>] --out <file>
       tidings diff --base <git ref or file> --contract <file> [--export <name>] [--json] [--fingerprints]

Commands:
  generate   Write a typed client module (imports @tidings/client only) for a contract
  check      Exit 1 with a diff when the file at --out is not what generate would write
  asyncapi   Write an AsyncAPI 3.0 document for a contract (--out ends in .yaml, .yml or .json)
  diff       Compare the contract with an older version; exit 1 when a change breaks old clients

Options:
  --contract <file>  The module that exports the contract (made with defineContract)
  --export <name>    The export to read (default: the module's only contract export)
  --out <file>       The file to write (generate, asyncapi) or compare (check)
  --base <ref|file>  diff: the old contract, from a git ref (origin/main, HEAD~1; <ref>:<path> for
                     another path) without checking it out, or from a file
  --json             diff: print the report as JSON
  --fingerprints     diff: print the fingerprints of older versions the contract still serves
                     (a JSON array for createHub's compatibleFingerprints)
  -h, --help         Show this help
  -v, --version      Show the version

Exit codes: 0 done (check: up to date; diff: safe), 1 failed (check: stale; diff: breaking), 2 usage error.
`;

const COMMANDS: readonly CliCommand[] = ['generate', 'check', 'asyncapi', 'diff'];
const ASYNCAPI_EXTENSIONS = ['.yaml', '.yml', '.json'];
const DIFF_ONLY = ['base', 'json', 'fingerprints'] as const;

/** Parses `argv` (without `node` and the script); throws `CliUsageError` on anything it cannot run. */
export function parseCliArgs(argv: readonly string[]): CliArgs {
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(argv);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw new CliUsageError(message.split('. To specify')[0]!);
  }
  const { values, positionals } = parsed;
  if (values.help || positionals[0] === 'help') return { kind: 'help' };
  if (values.version) return { kind: 'version' };
  const [command, ...extra] = positionals;
  if (command === undefined)
    throw new CliUsageError('no command given; expected generate, check, asyncapi or diff.');
  if (!(COMMANDS as readonly string[]).includes(command)) {
    throw new CliUsageError(`unknown command "${command}"; expected generate, check, asyncapi or diff.`);
  }
  if (extra.length > 0) throw new CliUsageError(`unexpected argument "${extra[0]}" after "${command}".`);
  const contract = values.contract;
  const out = values.out;
  if (contract === undefined || contract === '') {
    throw new CliUsageError(`${command} needs --contract <file>: the module that exports the contract.`);
  }
  if (values.export === '') throw new CliUsageError('--export needs a name.');
  if (command === 'diff') {
    if (out !== undefined) throw new CliUsageError('diff takes no --out; it prints its report.');
    if (values.base === undefined || values.base === '') {
      throw new CliUsageError(
        'diff needs --base <git ref or file>: the old contract (origin/main, HEAD~1, or a file).',
      );
    }
    return {
      kind: 'diff',
      contract,
      export: values.export,
      base: values.base,
      output: values.json ? 'json' : 'text',
      fingerprints: values.fingerprints ? 'chain' : 'none',
    };
  }
  const misplaced = DIFF_ONLY.find((name) => values[name] !== undefined);
  if (misplaced !== undefined) throw new CliUsageError(`--${misplaced} belongs to diff, not ${command}.`);
  if (out === undefined || out === '') {
    throw new CliUsageError(
      `${command} needs --out <file>: the file to ${command === 'check' ? 'compare' : 'write'}.`,
    );
  }
  if (command === 'asyncapi' && !ASYNCAPI_EXTENSIONS.includes(path.extname(out).toLowerCase())) {
    throw new CliUsageError(
      `asyncapi writes YAML or JSON; expected --out to end in .yaml, .yml or .json (got ${out}).`,
    );
  }
  return {
    kind: 'run',
    command: command as Exclude<CliCommand, 'diff'>,
    contract,
    export: values.export,
    out,
  };
}

function parse(argv: readonly string[]) {
  return parseArgs({
    args: [...argv],
    allowPositionals: true,
    strict: true,
    options: {
      contract: { type: 'string' },
      export: { type: 'string' },
      out: { type: 'string' },
      base: { type: 'string' },
      json: { type: 'boolean' },
      fingerprints: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
      version: { type: 'boolean', short: 'v' },
    },
  });
}
