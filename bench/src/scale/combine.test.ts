import { describe, expect, it } from 'vitest';
import type { LatencyReport, Snapshot } from '../shared/protocol.ts';
import { combineLatency, combineSnapshots } from './combine.ts';

function snapshot(fields: Partial<Snapshot>): Snapshot {
  return {
    delivered: 0,
    atMs: 0,
    cpuMs: 0,
    open: 0,
    minPerClient: 0,
    maxPerClient: 0,
    unexpectedCloses: 0,
    ...fields,
  };
}

function report(fields: Partial<LatencyReport>): LatencyReport {
  return {
    count: 0,
    p50: Number.NaN,
    p90: Number.NaN,
    p99: Number.NaN,
    max: Number.NaN,
    mean: Number.NaN,
    ...fields,
  };
}

describe('combineSnapshots', () => {
  it('sums counts and CPU, keeps the lowest and highest per client and the latest time', () => {
    expect(
      combineSnapshots([
        snapshot({
          delivered: 10,
          atMs: 5,
          cpuMs: 2,
          open: 3,
          minPerClient: 2,
          maxPerClient: 4,
          unexpectedCloses: 1,
        }),
        snapshot({ delivered: 20, atMs: 7, cpuMs: 3, open: 4, minPerClient: 5, maxPerClient: 6 }),
      ]),
    ).toEqual(
      snapshot({
        delivered: 30,
        atMs: 7,
        cpuMs: 5,
        open: 7,
        minPerClient: 2,
        maxPerClient: 6,
        unexpectedCloses: 1,
      }),
    );
  });

  it('is all zeros for no load generator', () => {
    expect(combineSnapshots([])).toEqual(snapshot({}));
  });
});

describe('combineLatency', () => {
  it('takes the highest quantiles (an upper bound) and the exact mean', () => {
    const combined = combineLatency([
      report({ count: 100, p50: 1, p90: 2, p99: 3, max: 4, mean: 1 }),
      report({ count: 300, p50: 2, p90: 1, p99: 5, max: 9, mean: 3 }),
      report({ count: 0 }),
    ]);
    expect(combined).toEqual({ count: 400, p50: 2, p90: 2, p99: 5, max: 9, mean: 2.5 });
  });

  it('has no figures without samples', () => {
    const combined = combineLatency([report({})]);
    expect(combined.count).toBe(0);
    expect(combined.p99).toBeNaN();
    expect(combined.mean).toBeNaN();
  });
});
