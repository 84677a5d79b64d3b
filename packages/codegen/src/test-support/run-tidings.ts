import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** The CLI's entry point, run exactly as `node packages/codegen/bin/tidings.mjs …`. */
export const TIDINGS_BIN = fileURLToPath(new URL('../../bin/tidings.mjs', import.meta.url));

/** What a CLI run printed and how it exited. */
export interface TidingsRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** A running `tidings` child process; disposing it kills the process if it is still running. */
export interface TidingsProcess extends AsyncDisposable {
  /** Resolves when the process exits (it is killed after `timeoutMs`). */
  readonly result: Promise<TidingsRun>;
}

/** Starts `node bin/tidings.mjs <args>` in `cwd`. */
export function spawnTidings(
  args: readonly string[],
  options: { cwd: string; timeoutMs?: number },
): TidingsProcess {
  const child = spawn(process.execPath, [TIDINGS_BIN, ...args], {
    cwd: options.cwd,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, NO_COLOR: '1' },
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    stdout += chunk;
  });
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
  });
  const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 60_000);
  const result = new Promise<TidingsRun>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
  return {
    result,
    async [Symbol.asyncDispose]() {
      clearTimeout(timer);
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await result.catch(() => undefined);
    },
  };
}

/** Runs the CLI to completion. */
export async function runTidings(
  args: readonly string[],
  options: { cwd: string; timeoutMs?: number },
): Promise<TidingsRun> {
  await using child = spawnTidings(args, options);
  return await child.result;
}
