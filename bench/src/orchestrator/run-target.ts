import { monotonicMs } from '../shared/payload.ts';
import type { TargetInfo } from '../targets/registry.ts';
import { type BenchConfig, SCENARIO_TARGETS, type ScenarioName } from './config.ts';
import type { Results, ScenarioResult } from './results.ts';
import { connectClients, runConnect } from './scenarios/connect.ts';
import { runEmitCost } from './scenarios/emit-cost.ts';
import { runFlow } from './scenarios/flow.ts';
import { runLatency } from './scenarios/latency.ts';
import { runMemory } from './scenarios/memory.ts';
import { runMultiplex } from './scenarios/multiplex.ts';
import { runProcedures } from './scenarios/procedures.ts';
import { type GroupOptions, type Loadgen, TargetGroup } from './target-group.ts';

/** What every target run shares. */
export interface RunContext {
  config: BenchConfig;
  loadgen: Loadgen;
  results: Results;
  redisUrl?: string | undefined;
  cpuProfDir?: string | undefined;
  log(line: string): void;
  /** Receives the monotonic-clock span of each scenario (the profile pass keeps only those samples). */
  onSpan?: ((scenario: ScenarioName, fromMs: number, toMs: number) => void) | undefined;
  describe(scenario: ScenarioName, result: ScenarioResult): string;
}

/** The scenarios this target takes part in, among those asked for. */
export function scenariosFor(info: TargetInfo, wanted: ReadonlySet<ScenarioName>): ScenarioName[] {
  return [...wanted].filter((scenario) => SCENARIO_TARGETS[scenario].includes(info.name));
}

async function attempt(
  ctx: RunContext,
  scenario: ScenarioName,
  info: TargetInfo,
  run: () => Promise<ScenarioResult>,
): Promise<void> {
  const started = Date.now();
  const from = monotonicMs();
  try {
    const result = await run();
    ctx.onSpan?.(scenario, from, monotonicMs());
    ctx.results.set(scenario, info.name, result);
    ctx.log(
      `  ${scenario} ${info.name}: ${ctx.describe(scenario, result)} (${((Date.now() - started) / 1000).toFixed(1)} s)`,
    );
  } catch (error) {
    ctx.results.fail(scenario, info.name, error);
    ctx.log(`  ${scenario} ${info.name}: FAILED ${error instanceof Error ? error.message : String(error)}`);
  }
}

/** The shared server processes of a target, restarted when they stop answering (an overloaded peer). */
class GroupSlot implements AsyncDisposable {
  private current: TargetGroup;
  private readonly info: TargetInfo;
  private readonly options: GroupOptions;
  private readonly ctx: RunContext;

  constructor(group: TargetGroup, info: TargetInfo, options: GroupOptions, ctx: RunContext) {
    this.current = group;
    this.info = info;
    this.options = options;
    this.ctx = ctx;
  }

  get group(): TargetGroup {
    return this.current;
  }

  /** Makes sure the processes answer and hold no clients; otherwise replaces them. */
  async ready(): Promise<void> {
    try {
      await this.current.waitForSubscribers(0, 15_000, 5_000);
      return;
    } catch (error) {
      this.ctx.log(
        `  ${this.info.name}: restarting its processes (${error instanceof Error ? error.message : error})`,
      );
    }
    await this.current[Symbol.asyncDispose]();
    this.current = await TargetGroup.start(this.info, this.options);
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.current[Symbol.asyncDispose]();
  }
}

/**
 * Runs one target through its scenarios: A, F, B and D (and E) share one set of server
 * processes, in that order; C gets fresh ones so their memory baseline is clean (the quick
 * run measures C last in the shared ones, to save process start-ups), and so do G and H (their
 * memory halves first, in quick runs too). Every scenario that streams gets fresh clients;
 * processes that stopped answering are replaced before the next.
 */
export async function runTarget(
  info: TargetInfo,
  wanted: ReadonlySet<ScenarioName>,
  ctx: RunContext,
): Promise<void> {
  const scenarios = new Set(scenariosFor(info, wanted));
  const { config, loadgen } = ctx;
  const groupOptions: GroupOptions = {
    backlog: config.backlog,
    redisUrl: ctx.redisUrl,
    cpuProfDir: ctx.cpuProfDir,
  };
  const memoryShared = scenarios.has('C') && !config.memory.freshProcess;
  if (memoryShared) scenarios.delete('C');
  const shared = (['A', 'F', 'B', 'D', 'E', ...(memoryShared ? ['C' as const] : [])] as const).filter(
    (s) => s === 'C' || scenarios.has(s),
  );
  if (shared.length > 0) {
    let slot: GroupSlot;
    try {
      slot = new GroupSlot(await TargetGroup.start(info, groupOptions), info, groupOptions, ctx);
    } catch (error) {
      for (const scenario of shared) ctx.results.fail(scenario, info.name, error);
      ctx.log(`  ${info.name}: could not start: ${error instanceof Error ? error.message : String(error)}`);
      return runFreshIfWanted(info, scenarios, ctx);
    }
    await using _slot = slot;
    for (const scenario of shared) {
      await attempt(ctx, scenario, info, async () => {
        await slot.ready();
        const group = slot.group;
        switch (scenario) {
          case 'A':
          case 'F':
          case 'B': {
            const clients = scenario === 'B' ? config.latency.clients : config.flow.clients;
            await connectClients(group, loadgen, clients, config.connectConcurrency);
            try {
              if (scenario === 'B') return await runLatency(group, loadgen, config.latency);
              return await runFlow(group, loadgen, config.flow, scenario === 'A' ? 'batch' : 'spread');
            } finally {
              await loadgen.request('disconnect', null);
            }
          }
          case 'D':
            return await runConnect(group, loadgen, config.connect, config.connectConcurrency);
          case 'E':
            return await runEmitCost(group, config.emitCost);
          case 'C':
            return await runMemory(group, loadgen, config.memory, config.connectConcurrency);
        }
      });
    }
    const stats = await slot.group.stats(false, 5_000).catch(() => undefined);
    if (stats && stats.errors > 0) {
      ctx.results.warnings.push(`${info.name}: ${stats.errors} emit errors; first: ${stats.firstError}`);
    }
  }
  await runFreshIfWanted(info, scenarios, ctx);
}

/** C, G and H, each in new server processes of its own. */
async function runFreshIfWanted(
  info: TargetInfo,
  scenarios: Set<ScenarioName>,
  ctx: RunContext,
): Promise<void> {
  const { config } = ctx;
  const start = () =>
    TargetGroup.start(info, { backlog: config.backlog, redisUrl: ctx.redisUrl, cpuProfDir: ctx.cpuProfDir });
  if (scenarios.has('C')) {
    await attempt(ctx, 'C', info, async () => {
      await using group = await start();
      return await runMemory(group, ctx.loadgen, config.memory, config.connectConcurrency);
    });
  }
  if (scenarios.has('G')) {
    await attempt(ctx, 'G', info, async () => {
      await using group = await start();
      const result = await runMultiplex(group, ctx.loadgen, config.multiplex, config.connectConcurrency);
      const stats = await group.stats(false, 5_000).catch(() => undefined);
      if (stats && stats.errors > 0) {
        ctx.results.warnings.push(`${info.name}: ${stats.errors} emit errors; first: ${stats.firstError}`);
      }
      return result;
    });
  }
  if (scenarios.has('H')) {
    await attempt(ctx, 'H', info, async () => {
      await using group = await start();
      return await runProcedures(group, ctx.loadgen, config.procedures, config.connectConcurrency);
    });
  }
}
