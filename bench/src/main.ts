import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { killAllChildren } from './orchestrator/child.ts';
import { benchConfig, SCENARIO_NAMES, type ScenarioName } from './orchestrator/config.ts';
import { profileMissed } from './orchestrator/profile-pass.ts';
import { startBenchRedis } from './orchestrator/redis.ts';
import { flowOf, Results } from './orchestrator/results.ts';
import { type RunContext, runTarget, scenariosFor } from './orchestrator/run-target.ts';
import { startLoadgen } from './orchestrator/target-group.ts';
import { evaluateCriteria } from './report/criteria.ts';
import { environmentSection } from './report/environment.ts';
import { summarize, writeSummary } from './report/node-versions.ts';
import { resultsFile, resultTables } from './report/results-file.ts';
import { describeResult } from './report/tables.ts';
import { runScale } from './scale/run.ts';
import { isTargetName, TARGETS, type TargetName } from './targets/registry.ts';

const BENCH_DIR = new URL('../', import.meta.url);

function parseArgs(argv: readonly string[]) {
  let quick = false;
  let profile = false;
  let targets: TargetName[] = Object.keys(TARGETS) as TargetName[];
  let scenarios: ScenarioName[] = [...SCENARIO_NAMES];
  for (const arg of argv) {
    if (arg === '--') continue;
    if (arg === '--quick') quick = true;
    else if (arg === '--profile') profile = true;
    else if (arg.startsWith('--targets=')) {
      const names = arg.slice('--targets='.length).split(',');
      for (const name of names) {
        if (!isTargetName(name))
          throw new Error(`bench: unknown target "${name}" (known: ${Object.keys(TARGETS).join(', ')})`);
      }
      targets = names as TargetName[];
    } else if (arg.startsWith('--scenarios=')) {
      const names = arg.slice('--scenarios='.length).toUpperCase().split(',');
      for (const name of names) {
        if (!SCENARIO_NAMES.includes(name as ScenarioName)) {
          throw new Error(`bench: unknown scenario "${name}" (known: ${SCENARIO_NAMES.join(', ')})`);
        }
      }
      scenarios = names as ScenarioName[];
    } else {
      throw new Error(
        `bench: unknown argument "${arg}". Use --quick, --profile, --targets=a,b, --scenarios=A,B or --scale`,
      );
    }
  }
  return { quick, profile, targets, scenarios };
}

function log(line: string): void {
  process.stderr.write(`${line}\n`);
}

async function main(): Promise<number> {
  // The scale benchmarks of issue 19 are a run of their own (bench/src/scale/), with their own results file.
  if (process.argv.includes('--scale')) return runScale(process.argv.slice(2));
  const args = parseArgs(process.argv.slice(2));
  const config = benchConfig(args.quick);
  const startedAt = new Date();
  const loadBefore = os.loadavg();
  const results = new Results();
  const wanted = new Set(args.scenarios);
  const targets = args.targets
    .map((name) => TARGETS[name])
    .filter((info) => scenariosFor(info, wanted).length > 0);
  log(
    `bench: ${args.quick ? 'quick smoke run' : 'full run'}; targets ${targets.map((t) => t.name).join(', ')}; scenarios ${args.scenarios.join(', ')}`,
  );

  await using loadgen = await startLoadgen();
  let redis: Awaited<ReturnType<typeof startBenchRedis>> | undefined;
  await using _redis = {
    [Symbol.asyncDispose]: async () => {
      await redis?.close();
    },
  };
  if (targets.some((t) => t.needsRedis)) {
    try {
      redis = await startBenchRedis();
      log(`bench: redis-server at ${redis.url}`);
    } catch (error) {
      results.fail('setup', 'tidings-redis', error);
      log(
        `bench: no Redis, skipping tidings-redis: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
  }
  const ctx: RunContext = {
    config,
    loadgen,
    results,
    redisUrl: redis?.url,
    log,
    describe: (_scenario, result) => describeResult(result),
  };
  for (const info of targets) {
    if (info.needsRedis && !redis) continue;
    log(`bench: ${info.label}`);
    await runTarget(info, wanted, ctx);
  }

  let outcomes = evaluateCriteria(results);
  let profiles = '';
  const missed = outcomes.filter((o) => o.status === 'missed');
  // `--profile` profiles the Tidings side of every criterion of the scenarios that ran, not of all.
  const ran = outcomes.filter((o) => wanted.has(o.scenario));
  if (args.profile || (!args.quick && missed.length > 0)) {
    const dir = fileURLToPath(
      new URL(`profiles/${startedAt.toISOString().replace(/[:.]/g, '-')}/`, BENCH_DIR),
    );
    mkdirSync(dir, { recursive: true });
    profiles = await profileMissed({ ...ctx, cpuProfDir: dir }, args.profile ? ran : missed, dir);
    outcomes = evaluateCriteria(results);
  }

  const durationS = (Date.now() - startedAt.getTime()) / 1000;
  process.stdout.write(`\n${resultTables(results, outcomes)}\n`);
  const file = args.quick ? 'RESULTS.quick.md' : 'RESULTS.md';
  const partial =
    args.targets.length < Object.keys(TARGETS).length || args.scenarios.length < SCENARIO_NAMES.length;
  const out = new URL(partial && !args.quick ? 'RESULTS.partial.md' : file, BENCH_DIR);
  const full = !args.quick && !partial;
  if (full) writeSummary(BENCH_DIR, summarize(results, startedAt));
  writeFileSync(
    out,
    resultsFile({
      results,
      outcomes,
      environment: environmentSection(loadBefore),
      command: ['pnpm bench', ...process.argv.slice(2).filter((a) => a !== '--')].join(' '),
      quick: args.quick,
      startedAt,
      durationS,
      profiles,
      analysisPath: new URL('analysis.md', BENCH_DIR),
      summaryDir: full ? BENCH_DIR : undefined,
    }),
  );
  log(`\nbench: wrote ${fileURLToPath(out)} (${Math.round(durationS)} s)`);
  const undelivered = [...results.byScenario.values()].flatMap((row) =>
    [...row.entries()]
      .filter(([, r]) => {
        const flow = flowOf(r);
        return flow !== undefined && flow.undelivered !== 0;
      })
      .map(([name]) => name),
  );
  if (undelivered.length > 0) log(`bench: WARNING: undelivered events for ${undelivered.join(', ')}`);
  if (results.errors.length > 0) {
    log(`bench: ${results.errors.length} scenario(s) failed`);
    return 1;
  }
  return args.quick && undelivered.length > 0 ? 1 : 0;
}

try {
  process.exitCode = await main();
} catch (error) {
  log(error instanceof Error ? (error.stack ?? error.message) : String(error));
  process.exitCode = 1;
} finally {
  killAllChildren();
}
