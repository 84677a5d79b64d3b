import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';

/** A child process running a TypeScript file through tsx, disposed by killing it. */
export interface TsxChild extends AsyncDisposable {
  readonly process: ChildProcess;
  /** Everything written to stdout so far. */
  readonly stdout: () => string;
  /** Everything written to stderr so far. */
  readonly stderr: () => string;
  /** Resolves with the first stdout match of `pattern`; rejects on exit or after `timeoutMs`. */
  waitForOutput(pattern: RegExp, timeoutMs: number): Promise<RegExpMatchArray>;
  /** Resolves with the exit code (or the signal) once the process ends; rejects after `timeoutMs`. */
  exit(timeoutMs: number): Promise<number | NodeJS.Signals>;
}

/** Runs `node --import tsx <script> ...args` in `cwd`. */
export function spawnTsx(
  script: string,
  args: readonly string[],
  options: { cwd: string; env?: Record<string, string> | undefined },
): TsxChild {
  const child = spawn(process.execPath, ['--import', 'tsx', script, ...args], {
    cwd: options.cwd,
    env: { ...process.env, NO_COLOR: '1', ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    out += chunk;
  });
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    err += chunk;
  });
  const exited = new Promise<number | NodeJS.Signals>((resolve) => {
    child.once('exit', (code, signal) => resolve(code ?? signal ?? 'SIGKILL'));
  });
  const describe = () => `\n--- stdout ---\n${out}\n--- stderr ---\n${err}`;

  function within<TValue>(promise: Promise<TValue>, timeoutMs: number, what: string): Promise<TValue> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`${script}: no ${what} within ${timeoutMs} ms${describe()}`)),
        timeoutMs,
      );
    });
    return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
  }

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
        void exited.then((code) =>
          reject(new Error(`${script} exited (${code}) before printing ${pattern}${describe()}`)),
        );
        check();
      });
      return within(found, timeoutMs, `output matching ${pattern}`);
    },
    exit(timeoutMs) {
      return within(exited, timeoutMs, 'exit');
    },
    async [Symbol.asyncDispose]() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await once(child, 'exit');
      clearTimeout(timer);
    },
  };
}
