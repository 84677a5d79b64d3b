import path from 'node:path';
import { parseArgs } from 'node:util';

/** A command line the CLI cannot run: exit code 2. */
export class CliUsageError extends Error {
  override name = 'CliUsageError';
}

/** The CLI's commands. */
export type CliCommand = 'generate' | 'check' | 'asyncapi';

/** A parsed command line. */
export type CliArgs =
  | { kind: 'help' }
  | { kind: 'version' }
  | { kind: 'run'; command: CliCommand; contract: string; export: string | undefined; out: string };

/** `tidings --help`. */
export const USAGE = `Usage: tidings <command> --contract <file> [--export <name>] --out <file>

Commands:
  generate   Write a typed client module (imports @tidings/client only) for a contract
  check      Exit 1 with a diff when the file at --out is not what generate would write
  asyncapi   Write an AsyncAPI 3.0 document for a contract (--out ends in .yaml, .yml or .json)

Options:
  --contract <file>  The module that exports the contract (made with defineContract)
  --export <name>    The export to read (default: the module's only contract export)
  --out <file>       The file to write (generate, asyncapi) or compare (check)
  -h, --help         Show this help
  -v, --version      Show the version

Exit codes: 0 done (check: up to date), 1 failed (check: stale), 2 usage error.
`;

const COMMANDS: readonly CliCommand[] = ['generate', 'check', 'asyncapi'];
const ASYNCAPI_EXTENSIONS = ['.yaml', '.yml', '.json'];

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
    throw new CliUsageError('no command given; expected generate, check or asyncapi.');
  if (!(COMMANDS as readonly string[]).includes(command)) {
    throw new CliUsageError(`unknown command "${command}"; expected generate, check or asyncapi.`);
  }
  if (extra.length > 0) throw new CliUsageError(`unexpected argument "${extra[0]}" after "${command}".`);
  const contract = values.contract;
  const out = values.out;
  if (contract === undefined || contract === '') {
    throw new CliUsageError(`${command} needs --contract <file>: the module that exports the contract.`);
  }
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
  if (values.export === '') throw new CliUsageError('--export needs a name.');
  return { kind: 'run', command: command as CliCommand, contract, export: values.export, out };
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
      help: { type: 'boolean', short: 'h' },
      version: { type: 'boolean', short: 'v' },
    },
  });
}
