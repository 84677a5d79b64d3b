import type { EmitStyle, MetricsExported, Snapshot } from '../../shared/protocol.ts';
import type { BenchConfig } from '../config.ts';
import { type FlowResult, median } from '../results.ts';
import type { Loadgen, TargetGroup } from '../target-group.ts';
import { sleep, waitUntil } from './wait.ts';

/** How long to wait for the target's answers during a scenario; an overloaded peer may not answer at all. */
export const TARGET_TIMEOUT_MS = 5_000;

/** The value, or undefined when the request failed or timed out. */
export async function optional<TValue>(request: Promise<TValue>): Promise<TValue | undefined> {
  try {
    return await request;
  } catch {
    return undefined;
  }
}

/**
 * A and F: the target emits `perTurn` events per loop turn as fast as the clients take them.
 * Flow control: the load generator reports what it has received every 10 ms and the emitter
 * may run at most `window` events ahead of the average client, so the rate is the highest
 * the whole system sustains and no buffer grows without bound. `clients` freshly connected
 * clients must be open (their counts start at zero).
 */
export async function runFlow(
  group: TargetGroup,
  loadgen: Loadgen,
  config: BenchConfig['flow'],
  style: EmitStyle,
): Promise<FlowResult> {
  const { clients, window } = config;
  const emitter = group.emitter;
  let base: number | undefined;
  const off = loadgen.on('progress', (delivered) => {
    if (base === undefined) return;
    emitter.notify('credit', { limit: base + Math.floor((delivered as number) / clients) + window });
  });
  try {
    await loadgen.request('progress', { intervalMs: 10 });
    base = (await emitter.request('flow', { perTurn: config.perTurn, style, window }, TARGET_TIMEOUT_MS))
      .emitted;
    await sleep(config.warmupMs);
    const rates: number[] = [];
    let previous: Snapshot = await loadgen.request('snapshot', null);
    const first = previous;
    const statsStart = await optional(group.stats(false, TARGET_TIMEOUT_MS));
    for (let i = 0; i < config.repeats; i++) {
      await sleep(config.windowMs);
      const now = await loadgen.request('snapshot', null);
      rates.push((now.delivered - previous.delivered) / ((now.atMs - previous.atMs) / 1000));
      previous = now;
    }
    const statsEnd = await optional(group.stats(false, TARGET_TIMEOUT_MS));
    const stopped = await optional(emitter.request('stop', null, TARGET_TIMEOUT_MS));
    await loadgen.request('progress', { intervalMs: 0 });
    const elapsed = previous.atMs - first.atMs;
    const cpuMs = statsStart && statsEnd ? statsEnd.cpuMs - statsStart.cpuMs : Number.NaN;
    const waitMs = statsStart && statsEnd ? statsEnd.waitMs - statsStart.waitMs : Number.NaN;
    return {
      kind: 'flow',
      rates,
      median: median(rates),
      serverCpuPct: (cpuMs / elapsed) * 100,
      perCpuSecond: (previous.delivered - first.delivered) / (cpuMs / 1000),
      emitterWaitPct: (waitMs / elapsed) * 100,
      loadgenCpuPct: ((previous.cpuMs - first.cpuMs) / elapsed) * 100,
      undelivered: stopped
        ? await drain(loadgen, stopped.emitted - base, clients, config.drainTimeoutMs)
        : null,
      clients,
      unresponsive: !statsStart || !statsEnd || !stopped,
      metricsExported: exportedBetween(statsStart?.metrics, statsEnd?.metrics),
    };
  } finally {
    off();
    if (emitter.process.connected) emitter.notify('stop', null);
    await loadgen.request('progress', { intervalMs: 0 }).catch(() => undefined);
  }
}

/** What a target's metric reader exported between two readings of its stats; undefined without both (or without an SDK). */
export function exportedBetween(
  start: MetricsExported | null | undefined,
  end: MetricsExported | null | undefined,
): MetricsExported | undefined {
  if (!start || !end) return undefined;
  return { exports: end.exports - start.exports, dataPoints: end.dataPoints - start.dataPoints };
}

/**
 * Waits until every client has received all `expected` events (clients connected before the
 * first of them); returns how many deliveries are still missing when the wait ends.
 */
export async function drain(
  loadgen: Loadgen,
  expected: number,
  clients: number,
  timeoutMs: number,
): Promise<number> {
  let last: Snapshot | undefined;
  await waitUntil(timeoutMs, async () => {
    last = await loadgen.request('snapshot', null);
    return last.minPerClient >= expected;
  });
  const snap = last ?? (await loadgen.request('snapshot', null));
  return Math.max(0, expected * clients - snap.delivered);
}
