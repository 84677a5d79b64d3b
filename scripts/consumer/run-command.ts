import { spawn } from 'node:child_process';
import path from 'node:path';

/** How a command ended and what it printed. */
export interface CommandResult {
  command: string;
  code: number | null;
  stdout: string;
  stderr: string;
  ms: number;
}

/** Options of `runCommand`. */
export interface RunCommandOptions {
  cwd: string;
  /** @default process.env */
  env?: NodeJS.ProcessEnv | undefined;
  /** The process is killed (SIGKILL) after this long and the result has `code: null`. */
  timeoutMs: number;
}

/** Runs a command to completion; never leaves it running (killed at the timeout). */
export function runCommand(
  file: string,
  args: readonly string[],
  options: RunCommandOptions,
): Promise<CommandResult> {
  const command = [path.basename(file), ...args].join(' ');
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, {
      cwd: options.cwd,
      env: options.env ?? process.env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs);
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ command, code, stdout, stderr, ms: Math.round(performance.now() - started) });
    });
  });
}

/** A command's output, for an assertion message. */
export function describeRun(result: CommandResult): string {
  const status = result.code === null ? 'killed at its timeout' : `exit code ${result.code}`;
  return `\`${result.command}\` (${status}, ${result.ms} ms)\n--- stdout ---\n${result.stdout}\n--- stderr ---\n${result.stderr}`;
}
