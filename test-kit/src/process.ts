import { type ChildProcessByStdio, spawn } from 'node:child_process';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { within } from './wait.ts';

/** Where and how a child process runs. */
export interface ProcessOptions {
  /** Working directory of the process. */
  cwd: string;
  /**
   * The whole environment of the process (`NO_COLOR=1` is added); spread `process.env` to extend it.
   * @default process.env
   */
  env?: NodeJS.ProcessEnv | undefined;
}

/** A long-running child process; disposing it stops it (SIGTERM, then SIGKILL after 5 s). */
export interface ChildResource extends AsyncDisposable {
  readonly process: ChildProcessByStdio<null, Readable, Readable>;
  /** Everything written to stdout so far. */
  stdout(): string;
  /** Everything written to stderr so far. */
  stderr(): string;
  /** Resolves with the first stdout match of `pattern`; rejects if the process ends first, or after `timeoutMs`. */
  waitForOutput(pattern: RegExp, timeoutMs: number): Promise<RegExpMatchArray>;
  /** Resolves with the exit code (or the signal) once the process ended and its output is read; rejects after `timeoutMs`. */
  exit(timeoutMs: number): Promise<number | NodeJS.Signals>;
}

/** Starts `command args` with piped stdout and stderr. */
export function spawnResource(
  command: string,
  args: readonly string[],
  options: ProcessOptions,
): ChildResource {
  const child = spawn(command, args, {
    cwd: options.cwd,
    env: { ...(options.env ?? process.env), NO_COLOR: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const name = [path.basename(command), ...args].join(' ');
  let out = '';
  let err = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    out += chunk;
  });
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    err += chunk;
  });
  // 'close' comes after 'exit' once stdout and stderr are drained: nothing printed is missed.
  const closed = new Promise<number | NodeJS.Signals>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code, signal) => resolve(code ?? signal ?? 'SIGKILL'));
  });
  closed.catch(() => {});
  const output = () => `\n--- stdout ---\n${out}\n--- stderr ---\n${err}`;
  return {
    process: child,
    stdout: () => out,
    stderr: () => err,
    waitForOutput(pattern, timeoutMs) {
      const found = new Promise<RegExpMatchArray>((resolve, reject) => {
        const check = () => {
          const match = pattern.exec(out);
          if (!match) return;
          child.stdout.off('data', check);
          resolve(match);
        };
        child.stdout.on('data', check);
        closed.then(
          (code) => reject(new Error(`${name} ended (${code}) before printing ${pattern}${output()}`)),
          reject,
        );
        check();
      });
      return within(found, timeoutMs, () => `${name} to print ${pattern}${output()}`);
    },
    exit(timeoutMs) {
      return within(closed, timeoutMs, () => `${name} to exit${output()}`);
    },
    async [Symbol.asyncDispose]() {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
        await closed.catch(() => undefined);
        clearTimeout(timer);
      }
      await closed.catch(() => undefined);
    },
  };
}

/** How a command ended and what it printed. */
export interface RunResult {
  /** The command line, for messages. */
  command: string;
  /** The exit code; `null` when it was killed (at its timeout, or by a signal). */
  code: number | null;
  stdout: string;
  stderr: string;
  /** How long it ran, for messages (never assert on it). */
  ms: number;
}

/** Options of `run`. */
export interface RunOptions extends ProcessOptions {
  /**
   * The process is killed (SIGKILL) after this long and the result has `code: null`.
   * @default 60_000
   */
  timeoutMs?: number | undefined;
}

/** Runs `command args` to completion; never leaves it running (killed at the timeout). */
export async function run(command: string, args: readonly string[], options: RunOptions): Promise<RunResult> {
  const started = performance.now();
  await using child = spawnResource(command, args, options);
  const timeoutMs = options.timeoutMs ?? 60_000;
  const timer = setTimeout(() => child.process.kill('SIGKILL'), timeoutMs);
  try {
    // Killed at timeoutMs, the process closes at once: the extra 10 s only bounds a hang in Node itself.
    const ended = await child.exit(timeoutMs + 10_000);
    return {
      command: [path.basename(command), ...args].join(' '),
      code: typeof ended === 'number' ? ended : null,
      stdout: child.stdout(),
      stderr: child.stderr(),
      ms: Math.round(performance.now() - started),
    };
  } finally {
    clearTimeout(timer);
  }
}

/** A run's command line, status and output, for an assertion message. */
export function describeRun(result: RunResult): string {
  const status = result.code === null ? 'killed' : `exit code ${result.code}`;
  return `\`${result.command}\` (${status}, ${result.ms} ms)\n--- stdout ---\n${result.stdout}\n--- stderr ---\n${result.stderr}`;
}
