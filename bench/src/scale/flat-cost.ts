import { median } from '../orchestrator/results.ts';
import { optional, TARGET_TIMEOUT_MS } from '../orchestrator/scenarios/flow.ts';
import { sleep, waitUntil } from '../orchestrator/scenarios/wait.ts';
import { TargetGroup } from '../orchestrator/target-group.ts';
import type { Snapshot } from '../shared/protocol.ts';
import { TARGETS } from '../targets/registry.ts';
import type { FlatTarget, ScaleConfig } from './config.ts';
import type { LoadgenPool } from './loadgen-pool.ts';
import type { FlatRow } from './results.ts';

/**
 * Scenario A's flow control over a pool of load generators: the target emits `perTurn` events
 * per loop turn and may run `window` events ahead of the average client, whose count is summed
 * over every load generator's progress reports. `clients` fresh clients must be open.
 */
async function pooledFlow(
  group: TargetGroup,
  pool: LoadgenPool,
  flat: ScaleConfig['flat'],
  clients: number,
): Promise<Omit<FlatRow, 'target' | 'clients'>> {
  const emitter = group.emitter;
  let base: number | undefined;
  const stopProgress = await pool.onProgress(10, (delivered) => {
    if (base === undefined || !emitter.process.connected) return;
    emitter.notify('credit', { limit: base + Math.floor(delivered / clients) + flat.window });
  });
  try {
    base = (
      await emitter.request(
        'flow',
        { perTurn: flat.perTurn, style: 'batch', window: flat.window },
        TARGET_TIMEOUT_MS,
      )
    ).emitted;
    await sleep(flat.warmupMs);
    const first = await pool.snapshot();
    const loadgenStart = await pool.cpuMs();
    const statsStart = await optional(group.stats(false, TARGET_TIMEOUT_MS));
    let previous: Snapshot = first;
    const rates: number[] = [];
    for (let i = 0; i < flat.repeats; i++) {
      await sleep(flat.windowMs);
      const now = await pool.snapshot();
      rates.push((now.delivered - previous.delivered) / ((now.atMs - previous.atMs) / 1000));
      previous = now;
    }
    const statsEnd = await optional(group.stats(false, TARGET_TIMEOUT_MS));
    const loadgenEnd = await pool.cpuMs();
    const stopped = await optional(emitter.request('stop', null, TARGET_TIMEOUT_MS));
    const elapsed = previous.atMs - first.atMs;
    const cpuMs = statsStart && statsEnd ? statsEnd.cpuMs - statsStart.cpuMs : Number.NaN;
    const waitMs = statsStart && statsEnd ? statsEnd.waitMs - statsStart.waitMs : Number.NaN;
    let undelivered: number | null = null;
    if (stopped) {
      const expected = stopped.emitted - base;
      let last: Snapshot | undefined;
      await waitUntil(flat.drainTimeoutMs, async () => {
        last = await pool.snapshot();
        return last.minPerClient >= expected;
      });
      undelivered = Math.max(0, expected * clients - (last ?? (await pool.snapshot())).delivered);
    }
    return {
      rates,
      median: median(rates),
      perCpuSecond: (previous.delivered - first.delivered) / (cpuMs / 1000),
      serverCpuPct: (cpuMs / elapsed) * 100,
      loadgenCpuPct: ((loadgenEnd - loadgenStart) / elapsed) * 100,
      emitterWaitPct: (waitMs / elapsed) * 100,
      undelivered,
    };
  } finally {
    await stopProgress();
    if (emitter.process.connected) emitter.notify('stop', null);
  }
}

/**
 * Flat cost: scenario A (16 events per turn, one topic, every client receives every event) at
 * each client count, in a fresh target process each, the clients spread over the pool's load
 * generators. The figure that must stay flat is events delivered per server CPU-second.
 */
export async function runFlatCost(
  target: FlatTarget,
  clients: number,
  pool: LoadgenPool,
  config: ScaleConfig,
  cpuProfDir?: string | undefined,
): Promise<FlatRow> {
  await using group = await TargetGroup.start(TARGETS[target], { backlog: config.backlog, cpuProfDir });
  await pool.connect(group.clientEndpoints, clients, config.concurrency);
  try {
    await group.waitForSubscribers(clients, 60_000);
    return { target, clients, ...(await pooledFlow(group, pool, config.flat, clients)) };
  } finally {
    await pool.disconnect();
  }
}
