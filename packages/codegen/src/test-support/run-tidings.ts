import { fileURLToPath } from 'node:url';
import { run } from '@tidings/test-kit/process';

/** The CLI's entry point, run exactly as `node packages/codegen/bin/tidings.mjs …`. */
export const TIDINGS_BIN = fileURLToPath(new URL('../../bin/tidings.mjs', import.meta.url));

/** What a CLI run printed and how it exited. */
export interface TidingsRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `node bin/tidings.mjs <args>` in `cwd` to completion with the kit's `run` (killed after `timeoutMs`). */
export async function runTidings(
  args: readonly string[],
  options: { cwd: string; timeoutMs?: number },
): Promise<TidingsRun> {
  const { code, stdout, stderr } = await run(process.execPath, [TIDINGS_BIN, ...args], options);
  return { code, stdout, stderr };
}
