import { killAllChildren } from '../orchestrator/child.ts';
import { runScale } from './run.ts';

// `pnpm --filter @tidings/bench scale`: the scale run on its own (`pnpm bench --scale` runs the same).

try {
  process.exitCode = await runScale(process.argv.slice(2));
} catch (error) {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
} finally {
  killAllChildren();
}
