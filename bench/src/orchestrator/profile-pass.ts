import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { CriterionOutcome } from '../report/criteria.ts';
import { summarizeProfile } from '../report/profile-summary.ts';
import { TARGETS, type TargetName } from '../targets/registry.ts';
import type { ScenarioName } from './config.ts';
import { Results } from './results.ts';
import { type RunContext, runTarget } from './run-target.ts';

/** The Tidings run whose profile explains a criterion (memory is not a CPU question). */
function jobFor(outcome: CriterionOutcome): { target: TargetName; scenario: ScenarioName } | undefined {
  if (outcome.scenario === 'C') return undefined;
  if (outcome.scenario === 'G') {
    // Its memory criterion is the "at most" one; for throughput, profile the multiplexed side.
    return outcome.direction === 'at most' ? undefined : { target: 'tidings-mux', scenario: 'G' };
  }
  if (outcome.scenario === 'H') {
    // The memory criterion is the "at most" one; for throughput, profile the handler streams.
    return outcome.direction === 'at most' ? undefined : { target: 'tidings-proc', scenario: 'H' };
  }
  if (outcome.label.includes('Redis')) return { target: 'tidings-redis', scenario: outcome.scenario };
  // Metrics on ÷ off (issue 18): the cost is on the side with the SDK.
  if (outcome.label.includes('OpenTelemetry')) return { target: 'tidings-metrics', scenario: 'A' };
  return { target: 'tidings', scenario: outcome.scenario };
}

/**
 * Re-runs the Tidings side of each given criterion under `node --cpu-prof` (figures from these
 * runs are discarded: profiling slows the target) and summarizes where the CPU went.
 */
export async function profileMissed(
  ctx: RunContext,
  outcomes: readonly CriterionOutcome[],
  dir: string,
): Promise<string> {
  const jobs = new Map<string, { target: TargetName; scenario: ScenarioName }>();
  for (const outcome of outcomes) {
    const job = jobFor(outcome);
    if (job && (job.target !== 'tidings-redis' || ctx.redisUrl))
      jobs.set(`${job.target}-${job.scenario}`, job);
  }
  const sections: string[] = [];
  for (const [key, job] of jobs) {
    const folder = join(dir, key);
    ctx.log(`bench: profiling ${job.target} in scenario ${job.scenario} (node --cpu-prof → ${folder})`);
    const results = new Results();
    let span: { fromMs: number; toMs: number } | undefined;
    await runTarget(TARGETS[job.target], new Set([job.scenario]), {
      ...ctx,
      results,
      cpuProfDir: folder,
      onSpan: (_scenario, fromMs, toMs) => {
        span = { fromMs, toMs };
      },
    });
    let files: string[] = [];
    try {
      files = readdirSync(folder).filter((f) => f.endsWith('.cpuprofile'));
    } catch {
      files = [];
    }
    if (files.length === 0) {
      sections.push(`### ${TARGETS[job.target].label}, scenario ${job.scenario}\n\nNo profile was written.`);
      continue;
    }
    // The busiest process of the group (for Redis, the emitting instance usually).
    const biggest = files.map((f) => join(folder, f)).sort((a, b) => statSync(b).size - statSync(a).size)[0]!;
    sections.push(
      `### ${TARGETS[job.target].label}, scenario ${job.scenario}\n\nProfile: \`${relative(process.cwd(), biggest)}\`\n\n${summarizeProfile(biggest, span)}`,
    );
  }
  if (sections.length === 0) return '';
  return [
    'Each profile comes from a separate re-run of the Tidings side of a missed target under `node --cpu-prof` (its figures are discarded: profiling slows it); samples outside the scenario are left out. Self time: where the CPU was when sampled, by origin, then by function.',
    ...sections,
  ].join('\n\n');
}
