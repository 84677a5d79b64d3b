import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { killAllChildren } from '../orchestrator/child.ts';
import { environmentSection } from '../report/environment.ts';
import { fmtCount, fmtKiB, fmtMs } from '../report/format.ts';
import { SCALE_PARTS, type ScaleConfig, type ScalePart, scaleConfig } from './config.ts';
import { runFlatCost } from './flat-cost.ts';
import { runIdle } from './idle.ts';
import { LoadgenPool } from './loadgen-pool.ts';
import { runMany } from './many.ts';
import { scaleOutcomes, scaleResultsFile } from './report.ts';
import type { ScaleResults } from './results.ts';
import { kernelSection } from './system.ts';

const BENCH_DIR = new URL('../../', import.meta.url);

/** The whole run is killed past this, whatever hangs (the full run takes about 7 minutes). */
const RUN_DEADLINE_MS = 15 * 60_000;

export interface ScaleArgs {
  quick: boolean;
  parts: ScalePart[];
  /** CPU-profile the servers (`node --cpu-prof`, into bench/profiles/scale-<time>/; flat cost: Tidings only). */
  profile: boolean;
}

/** `pnpm bench --scale [--quick] [--parts=idle,flat,many] [--profile]` (the `--scale` flag already taken off). */
export function parseScaleArgs(argv: readonly string[]): ScaleArgs {
  const args: ScaleArgs = { quick: false, parts: [...SCALE_PARTS], profile: false };
  for (const arg of argv) {
    if (arg === '--' || arg === '--scale') continue;
    if (arg === '--quick') args.quick = true;
    else if (arg === '--profile') args.profile = true;
    else if (arg.startsWith('--parts=')) {
      const parts = arg.slice('--parts='.length).split(',');
      for (const part of parts) {
        if (!SCALE_PARTS.includes(part as ScalePart)) {
          throw new Error(`bench: unknown scale part "${part}" (known: ${SCALE_PARTS.join(', ')})`);
        }
      }
      args.parts = parts as ScalePart[];
    } else {
      throw new Error(
        `bench: unknown argument "${arg}" for --scale. Use --quick, --profile or --parts=${SCALE_PARTS.join(',')}`,
      );
    }
  }
  return args;
}

function log(line: string): void {
  process.stderr.write(`${line}\n`);
}

function hardFdLimit(): number {
  try {
    return Number(execFileSync('bash', ['-c', 'ulimit -Hn'], { encoding: 'utf8' }).trim());
  } catch {
    return Number.NaN;
  }
}

async function attempt(results: ScaleResults, part: ScalePart, run: () => Promise<void>): Promise<void> {
  try {
    await run();
  } catch (error) {
    results.errors.push({ part, message: error instanceof Error ? error.message : String(error) });
    log(`  ${part}: FAILED ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  }
}

async function runParts(args: ScaleArgs, config: ScaleConfig, results: ScaleResults, profileDir?: string) {
  if (args.parts.includes('idle')) {
    log('bench --scale: one process at the open-files limit');
    for (const kind of config.idle.kinds) {
      await attempt(results, 'idle', async () => {
        const r = await runIdle(kind, config, log, args.profile ? profileDir : undefined);
        results.idle.push(r);
        log(
          `  idle ${kind}: ${fmtKiB(r.rssPerConnection)} per stream; tick CPU ${fmtMs(r.ticks.meanCpuMs)}, span ${fmtMs(r.ticks.meanMs)}, longest slice ${fmtMs(r.ticks.longestSliceMs)} (${r.ticks.count} ticks); loop delay p99 ${fmtMs(r.loop.p99)}, max ${fmtMs(r.loop.max)}`,
        );
      });
    }
  }
  if (args.parts.includes('flat')) {
    log('bench --scale: flat cost');
    const { flat } = config;
    await attempt(results, 'flat', async () => {
      await using pool = await LoadgenPool.start(flat.loadgens, Math.max(...flat.clients));
      for (const target of flat.targets) {
        for (const clients of flat.clients) {
          await attempt(results, 'flat', async () => {
            const profile = args.profile && target === 'tidings' ? profileDir : undefined;
            const r = await runFlatCost(target, clients, pool, config, profile);
            results.flat.push(r);
            log(
              `  flat ${target} ${fmtCount(clients)} clients: ${fmtCount(r.median)} events/s, ${fmtCount(r.perCpuSecond)} per server CPU-s, undelivered ${r.undelivered ?? '—'}`,
            );
          });
        }
      }
    });
  }
  if (args.parts.includes('many')) {
    log('bench --scale: many processes behind one Redis');
    await attempt(results, 'many', async () => {
      const r = await runMany(config, log, args.profile ? profileDir : undefined);
      results.many = r;
      log(
        `  many: lost ${r.lost}, p99 ${fmtMs(r.latency.p99)}, server RSS ${(r.serverPeakRss / 2 ** 30).toFixed(2)} GiB`,
      );
    });
  }
}

/** Runs the scale benchmarks and writes their results file; resolves to the exit code. */
export async function runScale(argv: readonly string[]): Promise<number> {
  const args = parseScaleArgs(argv);
  const config = scaleConfig(args.quick);
  const startedAt = new Date();
  const loadBefore = os.loadavg();
  const kernel = kernelSection();
  const watchdog = setTimeout(() => {
    log(`bench --scale: still running after ${RUN_DEADLINE_MS / 60_000} minutes; children killed`);
    killAllChildren();
    process.exit(1);
  }, RUN_DEADLINE_MS);
  watchdog.unref();
  const results: ScaleResults = { idle: [], flat: [], many: undefined, errors: [] };
  let profileDir: string | undefined;
  if (args.profile) {
    profileDir = fileURLToPath(
      new URL(`profiles/scale-${startedAt.toISOString().replace(/[:.]/g, '-')}/`, BENCH_DIR),
    );
    mkdirSync(profileDir, { recursive: true });
  }
  log(`bench --scale: ${args.quick ? 'quick smoke run' : 'full run'}; parts ${args.parts.join(', ')}`);
  try {
    await runParts(args, config, results, profileDir);
  } finally {
    clearTimeout(watchdog);
  }

  const durationS = (Date.now() - startedAt.getTime()) / 1000;
  const partial = args.parts.length < SCALE_PARTS.length;
  const file = args.quick
    ? 'RESULTS.scale.quick.md'
    : partial
      ? 'RESULTS.scale.partial.md'
      : 'RESULTS.scale.md';
  const out = new URL(file, BENCH_DIR);
  const notesPath = new URL('scale-analysis.md', BENCH_DIR);
  writeFileSync(
    out,
    scaleResultsFile({
      results,
      environment: environmentSection(loadBefore),
      kernel,
      command: ['pnpm bench --scale', ...argv.filter((a) => a !== '--' && a !== '--scale')].join(' '),
      quick: args.quick,
      startedAt,
      durationS,
      fdLimit: hardFdLimit(),
      notes: existsSync(notesPath) ? readFileSync(notesPath, 'utf8') : undefined,
    }),
  );
  for (const o of scaleOutcomes(results)) log(`  ${o.verdict.padEnd(12)} ${o.target}: ${o.measured}`);
  log(`\nbench --scale: wrote ${fileURLToPath(out)} (${Math.round(durationS)} s)`);
  if (results.errors.length > 0) {
    log(`bench --scale: ${results.errors.length} part(s) failed`);
    return 1;
  }
  const lost = results.many?.lost ?? 0;
  return args.quick && lost > 0 ? 1 : 0;
}
