import type { BenchConfig } from '../config.ts';
import type { LatencyResult } from '../results.ts';
import type { Loadgen, TargetGroup } from '../target-group.ts';
import { drain, optional, TARGET_TIMEOUT_MS } from './flow.ts';
import { sleep } from './wait.ts';

/**
 * B: the target emits one event per timer tick at a fixed rate; the load generator samples
 * every event's latency (its receive time minus the timestamp in the payload, both on the
 * machine's monotonic clock). `clients` freshly connected clients must be open.
 */
export async function runLatency(
  group: TargetGroup,
  loadgen: Loadgen,
  config: BenchConfig['latency'],
): Promise<LatencyResult> {
  const emitter = group.emitter;
  try {
    const base = (await emitter.request('rate', { perSecond: config.perSecond }, TARGET_TIMEOUT_MS)).emitted;
    await sleep(config.warmupMs);
    await loadgen.request('latency', { reset: true });
    const start = await loadgen.request('snapshot', null);
    const statsStart = await optional(group.stats(false, TARGET_TIMEOUT_MS));
    await sleep(config.measureMs);
    const report = await loadgen.request('latency', { reset: false });
    const end = await loadgen.request('snapshot', null);
    const statsEnd = await optional(group.stats(false, TARGET_TIMEOUT_MS));
    const elapsed = end.atMs - start.atMs;
    const stopped = await optional(emitter.request('stop', null, TARGET_TIMEOUT_MS));
    await loadgen.request('sampleOff', null);
    const expected = (elapsed / 1000) * config.perSecond * config.clients;
    if (stopped) await drain(loadgen, stopped.emitted - base, config.clients, config.drainTimeoutMs);
    return {
      kind: 'latency',
      p50: report.p50,
      p90: report.p90,
      p99: report.p99,
      max: report.max,
      samples: report.count,
      sustained: (end.delivered - start.delivered) / expected,
      clients: config.clients,
      perSecond: config.perSecond,
      serverCpuPct:
        statsStart && statsEnd ? ((statsEnd.cpuMs - statsStart.cpuMs) / elapsed) * 100 : Number.NaN,
      loadgenCpuPct: ((end.cpuMs - start.cpuMs) / elapsed) * 100,
      unresponsive: !stopped || !statsStart || !statsEnd,
    };
  } finally {
    if (emitter.process.connected) emitter.notify('stop', null);
    await loadgen.request('sampleOff', null).catch(() => undefined);
  }
}
