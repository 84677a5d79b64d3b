import { describe, expect, it } from 'vitest';
import { flatness, SCALE_TARGETS, scaleOutcomes, scaleResultsFile, sizingRules } from './report.ts';
import type { FlatRow, IdleResult, ManyResult, ScaleResults } from './results.ts';

const KIB = 1024;
const MIB = 1024 * KIB;

function idle(kind: IdleResult['kind'], rssPerConnection: number): IdleResult {
  return {
    kind,
    connections: 19_000,
    heartbeatMs: 1_000,
    baselineRss: 80 * MIB,
    rssPerConnection,
    heapPerConnection: 6 * KIB,
    rssPerConnectionAfter: rssPerConnection,
    ticks: { count: 15, maxMs: 400, meanMs: 300, meanCpuMs: 170, longestSliceMs: 12, meanSlices: 19 },
    loop: { p50: 0, p99: 10, max: 20 },
    serverCpuPct: 20,
    connectMs: 4_000,
    open: 19_000,
    unexpectedCloses: 0,
  };
}

function flat(target: FlatRow['target'], clients: number, perCpuSecond: number): FlatRow {
  return {
    target,
    clients,
    rates: [1e6, 1e6, 1e6],
    median: 1e6,
    perCpuSecond,
    serverCpuPct: 50,
    loadgenCpuPct: 90,
    emitterWaitPct: 0,
    undelivered: 0,
  };
}

function many(fields: Partial<ManyResult> = {}): ManyResult {
  const instance = {
    streams: 16_667,
    peakRss: 250 * MIB,
    baselineRss: 80 * MIB,
    longestTickMs: 300,
    tickCpuMs: 100,
    longestSliceMs: 10,
    ticks: 4,
    loop: { p50: 0, p99: 5, max: 30 },
  };
  return {
    connections: 100_000,
    instances: Array.from({ length: 6 }, () => instance),
    loadgens: 6,
    topics: 1_000,
    rounds: 60,
    roundMs: 1_000,
    heartbeatMs: 15_000,
    connectMs: 20_000,
    expectedPerStream: 60,
    delivered: 6_000_000,
    lost: 0,
    minPerStream: 60,
    maxPerStream: 60,
    unexpectedCloses: 0,
    latency: { count: 6_000_000, p50: 2, p90: 4, p99: 9, max: 50, mean: 2.5 },
    serverPeakRss: 6 * 250 * MIB,
    serverPeakRssTogether: 6 * 250 * MIB,
    serverPeakPssTogether: 6 * 210 * MIB,
    serverRssAfterGc: 6 * 240 * MIB,
    emitterRss: 90 * MIB,
    redisRss: 20 * MIB,
    serverCpuPct: 50,
    emitterCpuPct: 3,
    loadgenCpuPct: 40,
    redisCpuPct: 2,
    emitted: 60_000,
    emitErrors: 0,
    firstEmitError: null,
    emitWindowMs: 60_000,
    elapsedMs: 61_000,
    ...fields,
  };
}

function results(fields: Partial<ScaleResults> = {}): ScaleResults {
  return {
    idle: [idle('raw', 10 * KIB), idle('tidings', 11 * KIB)],
    flat: [
      flat('raw', 1_000, 2e6),
      flat('raw', 15_000, 1.5e6),
      flat('tidings', 1_000, 2e6),
      flat('tidings', 5_000, 1.9e6),
      flat('tidings', 15_000, 1.7e6),
    ],
    many: many(),
    errors: [],
    ...fields,
  };
}

describe('flatness', () => {
  it('gives each value over the first, and whether all are within the spread', () => {
    expect(flatness([100, 90, 119])).toEqual({ ratios: [1, 0.9, 1.19], within: true });
    expect(flatness([100, 79]).within).toBe(false);
    expect(flatness([100]).within).toBe(false);
  });
});

describe('scaleOutcomes', () => {
  it('meets every target of issue 19 with figures inside them', () => {
    expect(scaleOutcomes(results()).map((o) => o.verdict)).toEqual(['met', 'met', 'met', 'met']);
  });

  it('misses each target on its own', () => {
    const missed = scaleOutcomes(
      results({
        idle: [idle('raw', 10 * KIB), idle('tidings', 12.1 * KIB)],
        flat: [flat('tidings', 1_000, 2e6), flat('tidings', 15_000, 1.5e6)],
        many: many({ lost: 3, serverPeakRss: SCALE_TARGETS.serverRssBytes + 1 }),
      }),
    );
    expect(missed.map((o) => o.verdict)).toEqual(['missed', 'missed', 'missed', 'missed']);
    expect(missed[1]!.measured).toContain('0.75×');
  });

  it('says what was not measured, and never meets a ratio over a negative raw figure', () => {
    const outcomes = scaleOutcomes({
      idle: [idle('raw', -1), idle('tidings', 1)],
      flat: [],
      many: undefined,
      errors: [],
    });
    expect(outcomes.map((o) => o.verdict)).toEqual([
      'not measured',
      'not measured',
      'not measured',
      'not measured',
    ]);
  });
});

describe('sizingRules', () => {
  it('derives each rule from the figures', () => {
    const text = sizingRules(results(), 20_000);
    expect(text).toContain('19.0k here');
    expect(text).toContain('170 ms of CPU');
    expect(text).toContain('at most 12.0 ms at once');
    // Redis: 2% of a core over 60 s for 60,000 events is 20 µs an event, 50,000 events/s a core.
    expect(text).toContain('about 20 µs of Redis CPU per event');
    expect(text).toContain('50.0k events/s');
    // Deliveries per server CPU-second with one write each: 6M ÷ (0.5 × 60 s).
    expect(text).toContain('about 200k when each delivery is a write of its own');
  });
});

describe('scaleResultsFile', () => {
  it('puts the machine, the targets, every table and the rules in one file', () => {
    const file = scaleResultsFile({
      results: results({ errors: [{ part: 'flat', message: 'boom\nstack' }] }),
      environment: '## Machine\n\nM',
      kernel: '## Kernel and limits\n\nK',
      command: 'pnpm bench --scale',
      quick: false,
      startedAt: new Date('2026-12-01T00:00:00Z'),
      durationS: 400,
      fdLimit: 20_000,
      notes: '## Notes\n\nN\n',
    });
    const headings = file.split('\n').filter((line) => line.startsWith('#'));
    expect(headings).toEqual([
      '# `pnpm bench --scale` results',
      '## Machine',
      '## Kernel and limits',
      '## Targets',
      '## Results',
      '### One process at the open-files limit (idle streams, heartbeats on)',
      '### Flat cost: events per server CPU-second as clients grow',
      '### Many processes: 100k streams, 6 instances, one Redis',
      '## Sizing rules',
      '## Errors',
      '## Notes',
    ]);
    expect(file).toContain('- flat: boom\n');
    expect(file.endsWith('N\n')).toBe(true);
  });
});
