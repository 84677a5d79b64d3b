import type { LatencyReport, Snapshot } from '../shared/protocol.ts';

/**
 * The counts of several load generators as one: sums, the lowest and highest per client, the
 * latest time, and CPU summed (percent of one core when divided by a window). Only load
 * generators that hold clients may be passed (an empty one's minimum is 0).
 */
export function combineSnapshots(snapshots: readonly Snapshot[]): Snapshot {
  if (snapshots.length === 0) {
    return {
      delivered: 0,
      atMs: 0,
      cpuMs: 0,
      open: 0,
      minPerClient: 0,
      maxPerClient: 0,
      unexpectedCloses: 0,
    };
  }
  return snapshots.reduce((sum, s) => ({
    delivered: sum.delivered + s.delivered,
    atMs: Math.max(sum.atMs, s.atMs),
    cpuMs: sum.cpuMs + s.cpuMs,
    open: sum.open + s.open,
    minPerClient: Math.min(sum.minPerClient, s.minPerClient),
    maxPerClient: Math.max(sum.maxPerClient, s.maxPerClient),
    unexpectedCloses: sum.unexpectedCloses + s.unexpectedCloses,
  }));
}

/**
 * Latency reports of several load generators as one. Samples are not pooled, so each quantile is
 * the highest of the parts' (an upper bound: if no part has more than 1% of its samples above x,
 * neither has the whole); the mean is exact.
 */
export function combineLatency(reports: readonly LatencyReport[]): LatencyReport {
  const withSamples = reports.filter((r) => r.count > 0);
  const count = withSamples.reduce((n, r) => n + r.count, 0);
  const highest = (pick: (r: LatencyReport) => number): number =>
    withSamples.length === 0 ? Number.NaN : Math.max(...withSamples.map(pick));
  return {
    count,
    p50: highest((r) => r.p50),
    p90: highest((r) => r.p90),
    p99: highest((r) => r.p99),
    max: highest((r) => r.max),
    mean: count === 0 ? Number.NaN : withSamples.reduce((sum, r) => sum + r.mean * r.count, 0) / count,
  };
}
