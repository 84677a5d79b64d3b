import { readFileSync } from 'node:fs';
import path from 'node:path';
import { isTidingsError } from '@tidings/contract';
import { type CliArgs, CliUsageError, parseCliArgs, USAGE } from './cli-args.ts';
import { TidingsCodegenUsageError } from './errors.ts';

/** Where the CLI writes, and the directory it resolves paths from. */
export interface CliIo {
  stdout(text: string): void;
  stderr(text: string): void;
  /**
   * Directory relative paths are resolved from.
   * @default process.cwd()
   */
  cwd?: string | undefined;
}

/** The package version, for `--version`. */
export function version(): string {
  const manifest = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
    version: string;
  };
  return manifest.version;
}

function seconds(start: number): string {
  return `${((performance.now() - start) / 1000).toFixed(2)} s`;
}

function quoteArg(value: string): string {
  return /^[\w./@:=+-]+$/.test(value) ? value : `'${value.replace(/'/g, `'\\''`)}'`;
}

async function diff(args: Extract<CliArgs, { kind: 'diff' }>, io: CliIo): Promise<number> {
  const { diffContract, formatDiffReport } = await import('./diff.ts');
  const report = await diffContract({
    contract: args.contract,
    export: args.export,
    base: args.base,
    cwd: io.cwd ?? process.cwd(),
    fingerprints: args.fingerprints,
  });
  if (args.output === 'json') io.stdout(`${JSON.stringify(report, null, 2)}\n`);
  else if (args.fingerprints === 'chain')
    io.stdout(`${JSON.stringify(report.compatibleFingerprints ?? [])}\n`);
  else io.stdout(formatDiffReport(report));
  return report.breaking ? 1 : 0;
}

async function run(args: Extract<CliArgs, { kind: 'run' }>, io: CliIo): Promise<number> {
  const cwd = io.cwd ?? process.cwd();
  const options = { contract: args.contract, export: args.export, out: args.out, cwd };
  const start = performance.now();
  const out = path.relative(cwd, path.resolve(cwd, args.out));
  if (args.command === 'generate') {
    const { writeClient } = await import('./generate.ts');
    const result = await writeClient(options);
    io.stdout(`Wrote ${out} from ${args.contract} (export "${result.exportName}") in ${seconds(start)}.\n`);
    return 0;
  }
  if (args.command === 'asyncapi') {
    const { writeAsyncApi } = await import('./asyncapi.ts');
    const result = await writeAsyncApi(options);
    io.stdout(`Wrote ${out} (AsyncAPI 3.0) from ${args.contract} (export "${result.exportName}").\n`);
    return 0;
  }
  const { checkClient } = await import('./check.ts');
  const result = await checkClient(options);
  const regenerate = `tidings generate --contract ${quoteArg(args.contract)}${
    args.export === undefined ? '' : ` --export ${quoteArg(args.export)}`
  } --out ${quoteArg(args.out)}`;
  if (!result.exists) {
    io.stderr(
      `@tidings/codegen: ${out} does not exist; expected the client generated from ${args.contract}. Run:\n  ${regenerate}\n`,
    );
    return 1;
  }
  const exportName = result.expected.exportName;
  if (result.fresh) {
    io.stdout(`${out} is up to date with ${args.contract} (export "${exportName}").\n`);
    return 0;
  }
  io.stderr(
    `@tidings/codegen: ${out} is stale: it is not what \`tidings generate\` writes for ${args.contract} (export "${exportName}").\n${result.diff}Run:\n  ${regenerate}\n`,
  );
  return 1;
}

/**
 * Runs the `tidings` CLI and returns its exit code: 0 done, 1 failed (or `check` found a stale file,
 * or `diff` a breaking change), 2 usage error. Never throws; errors are printed as one readable message, without a stack trace.
 */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  let args: CliArgs;
  try {
    args = parseCliArgs(argv);
  } catch (error) {
    io.stderr(
      `tidings: ${error instanceof Error ? error.message : String(error)}\nRun \`tidings --help\` for usage.\n`,
    );
    return 2;
  }
  if (args.kind === 'help') {
    io.stdout(USAGE);
    return 0;
  }
  if (args.kind === 'version') {
    io.stdout(`${version()}\n`);
    return 0;
  }
  try {
    return args.kind === 'diff' ? await diff(args, io) : await run(args, io);
  } catch (error) {
    if (error instanceof CliUsageError) {
      io.stderr(`tidings: ${error.message}\nRun \`tidings --help\` for usage.\n`);
      return 2;
    }
    if (error instanceof TidingsCodegenUsageError) {
      io.stderr(`${error.message}\nRun \`tidings --help\` for usage.\n`);
      return 2;
    }
    const message = error instanceof Error ? error.message : String(error);
    io.stderr(isTidingsError(error) ? `${message}\n` : `@tidings/codegen: unexpected error: ${message}\n`);
    return 1;
  }
}
