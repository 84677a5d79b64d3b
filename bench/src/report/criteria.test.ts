import { describe, expect, it } from 'vitest';
import {
  type FlowResult,
  median,
  type ProcedureResult,
  type ProcedureThroughput,
  Results,
} from '../orchestrator/results.ts';
import { evaluateCriteria, judgedStreams } from './criteria.ts';

function flow(rate: number, extra: Partial<FlowResult> = {}): FlowResult {
  return {
    kind: 'flow' as const,
    rates: [rate],
    median: rate,
    serverCpuPct: 100,
    perCpuSecond: rate,
    loadgenCpuPct: 50,
    emitterWaitPct: 0,
    undelivered: 0,
    clients: 1000,
    unresponsive: false,
    ...extra,
  };
}

function multiplex(connections: number, rate: number, rss: number, undelivered: number | null = 0) {
  return {
    kind: 'multiplex' as const,
    connectionsPerClient: connections,
    subscriptionsPerClient: 10,
    flow: { ...flow(rate), undelivered },
    rssPerSubscription: rss,
    heapPerSubscription: rss / 2,
    memoryClients: 1000,
    baselineRss: 50e6,
  };
}

function point(streams: number, rate: number, extra: Partial<ProcedureThroughput> = {}): ProcedureThroughput {
  return {
    streams,
    rates: [rate],
    median: rate,
    serverCpuPct: 100,
    perCpuSecond: rate,
    loadgenCpuPct: 50,
    slowestShare: 0.9,
    closedStreams: 0,
    rssPerStreamStreaming: 40_000,
    slowestAnswerMs: 20,
    endedMs: 100,
    runningAfterEnd: null,
    ...extra,
  };
}

function procedure(rss: number, points: ProcedureThroughput[]): ProcedureResult {
  return {
    kind: 'procedure',
    streams: 1000,
    primed: 16,
    rssPerStream: rss,
    heapPerStream: rss / 2,
    baselineRss: 60e6,
    points,
  };
}

describe('evaluateCriteria', () => {
  it('compares Tidings with raw node:http in the same run, with the margin past the threshold', () => {
    const results = new Results();
    results.set('A', 'raw', flow(500_000));
    results.set('A', 'tidings', flow(450_000));
    results.set('A', 'better-sse', flow(300_000));
    const [vsRaw, vsBetterSse, redis] = evaluateCriteria(results);
    expect(vsRaw).toMatchObject({ status: 'met', measured: 0.9 });
    expect(vsRaw?.marginPct).toBeCloseTo((0.9 / 0.85 - 1) * 100);
    expect(vsBetterSse).toMatchObject({ status: 'missed', measured: 1.5 });
    expect(redis?.status).toBe('not measured');
  });

  it('treats lower-is-better targets (latency, memory) the other way round', () => {
    const results = new Results();
    const latency = (p99: number) => ({
      kind: 'latency' as const,
      p50: 1,
      p90: 2,
      p99,
      max: p99,
      samples: 10,
      sustained: 1,
      clients: 1000,
      perSecond: 100,
      serverCpuPct: 10,
      loadgenCpuPct: 50,
      unresponsive: false,
    });
    results.set('B', 'raw', latency(10));
    results.set('B', 'tidings', latency(14));
    const b = evaluateCriteria(results).find((o) => o.scenario === 'B');
    expect(b).toMatchObject({ status: 'missed', measured: 1.4 });
    expect(b?.marginPct).toBeLessThan(0);
  });

  it('does not judge a ratio built on a figure that did not grow', () => {
    const results = new Results();
    const memory = (rss: number) => ({
      kind: 'memory' as const,
      rssPerConnection: rss,
      heapPerConnection: 0,
      connections: 10,
      baselineRss: 0,
    });
    results.set('C', 'raw', memory(-100));
    results.set('C', 'tidings', memory(1000));
    expect(evaluateCriteria(results).find((o) => o.scenario === 'C')?.status).toBe('not measured');
  });

  it('compares one multiplexed connection per client with ten, on events/s and on memory per subscription', () => {
    const results = new Results();
    results.set('G', 'tidings-mux', multiplex(1, 900_000, 1000));
    results.set('G', 'tidings-10', multiplex(10, 1_000_000, 10_000));
    const [rate, memory] = evaluateCriteria(results).filter((o) => o.scenario === 'G');
    expect(rate).toMatchObject({ status: 'met', measured: 0.9, threshold: 0.8, direction: 'at least' });
    expect(memory).toMatchObject({ status: 'met', measured: 0.1, threshold: 0.3, direction: 'at most' });
    expect(memory?.note).toBe('heap per subscription: 0.10×');
    expect(rate?.note).toBeUndefined();

    results.set('G', 'tidings-mux', multiplex(1, 700_000, 4000, 12));
    const [slower, heavier] = evaluateCriteria(results).filter((o) => o.scenario === 'G');
    expect(slower).toMatchObject({ status: 'missed', measured: 0.7 });
    expect(slower?.note).toMatch(/undelivered.*12/);
    expect(heavier).toMatchObject({ status: 'missed', measured: 0.4 });
  });

  it('does not judge G with one side missing', () => {
    const results = new Results();
    results.set('G', 'tidings-mux', multiplex(1, 900_000, 1000));
    for (const o of evaluateCriteria(results).filter((o) => o.scenario === 'G'))
      expect(o.status).toBe('not measured');
  });
});

describe('evaluateCriteria, metrics on ÷ off (issue 18)', () => {
  const ofMetrics = (results: Results) =>
    evaluateCriteria(results).filter((o) => o.label.includes('OpenTelemetry'));

  it('needs Tidings with an SDK at 0.95× of Tidings without, on events/s and on events per server CPU-s', () => {
    const results = new Results();
    results.set('A', 'tidings', flow(500_000, { perCpuSecond: 1_000_000 }));
    results.set(
      'A',
      'tidings-metrics',
      flow(480_000, { perCpuSecond: 930_000, metricsExported: { exports: 12, dataPoints: 420 } }),
    );
    const [rate, perCpu] = ofMetrics(results);
    expect(rate).toMatchObject({ scenario: 'A', status: 'met', measured: 0.96, threshold: 0.95 });
    expect(rate?.label).toMatch(/^Fan-out: events\/s,/);
    expect(rate?.note).toBe('metrics on: 12 exports, 420 data points in the windows');
    expect(perCpu).toMatchObject({ status: 'missed', measured: 0.93, direction: 'at least' });
    expect(perCpu?.label).toMatch(/^Fan-out: events per server CPU-s,/);
  });

  it('says when no export fell in the windows, and does not judge with a side missing', () => {
    const results = new Results();
    results.set('A', 'tidings-metrics', flow(500_000, { metricsExported: { exports: 0, dataPoints: 0 } }));
    for (const o of ofMetrics(results)) expect(o.status).toBe('not measured');
    results.set('A', 'tidings', flow(500_000));
    expect(ofMetrics(results)[0]?.note).toMatch(/no export fell in the windows/);
  });
});

describe('evaluateCriteria, scenario H (procedures)', () => {
  const ofH = (results: Results) => evaluateCriteria(results).filter((o) => o.scenario === 'H');

  it('judges events/s at the fewest streams (10× tRPC or more), with the other points beside it', () => {
    const results = new Results();
    results.set('H', 'raw-proc', procedure(5_000, [point(100, 900_000), point(1000, 800_000)]));
    results.set(
      'H',
      'tidings-proc',
      procedure(10_000, [
        point(100, 400_000, { perCpuSecond: 420_000 }),
        point(1000, 300_000, { rssPerStreamStreaming: 20_000 }),
      ]),
    );
    results.set(
      'H',
      'trpc-proc',
      procedure(50_000, [
        point(100, 25_000, { perCpuSecond: 21_000 }),
        point(1000, 0, { rssPerStreamStreaming: 100_000, endedMs: null, runningAfterEnd: 'unknown' }),
      ]),
    );
    const [rate, memory] = ofH(results);
    expect(rate).toMatchObject({ status: 'met', measured: 16, threshold: 10, direction: 'at least' });
    expect(rate?.label).toContain('events/s at 100 streams');
    expect(rate?.note).toBe(
      'per server CPU-s: 20.0×; at 1,000 streams: 300k vs 0 events/s (∞×), tRPC delivered no events in the windows; tRPC at 1,000: generators still ran 15 s after the clients left',
    );
    expect(memory).toMatchObject({ status: 'met', measured: 0.2, threshold: 0.5, direction: 'at most' });
    expect(memory?.note).toBe('while streaming: 0.20×');
  });

  it('misses at the judged point whatever the larger one shows', () => {
    const results = new Results();
    results.set(
      'H',
      'tidings-proc',
      procedure(30_000, [point(100, 100_000, { closedStreams: 3 }), point(1000, 90_000)]),
    );
    results.set('H', 'trpc-proc', procedure(50_000, [point(100, 25_000), point(1000, 0)]));
    const [slower, heavier] = ofH(results);
    expect(slower).toMatchObject({ status: 'missed', measured: 4 });
    expect(slower?.note).toMatch(
      /^per server CPU-s: 4\.00×; Tidings: 3 streams closed early; at 1,000 streams: 90\.0k vs 0/,
    );
    expect(heavier).toMatchObject({ status: 'missed', measured: 0.6 });
  });

  it('counts a tRPC that delivered nothing at the judged point while Tidings delivered as past the threshold', () => {
    const results = new Results();
    results.set('H', 'tidings-proc', procedure(10_000, [point(100, 300_000)]));
    results.set('H', 'trpc-proc', procedure(50_000, [point(100, 0, { endedMs: null })]));
    const [rate] = ofH(results);
    expect(rate).toMatchObject({ status: 'met', measured: Number.POSITIVE_INFINITY, marginPct: undefined });
    expect(rate?.note).toMatch(/^tRPC delivered no events in the windows; .*tRPC: generators still ran/);
  });

  it('does not judge H with a side missing, or with nothing delivered on either side', () => {
    const results = new Results();
    results.set('H', 'tidings-proc', procedure(10_000, [point(100, 300_000)]));
    for (const o of ofH(results)) expect(o.status).toBe('not measured');
    results.set('H', 'tidings-proc', procedure(10_000, [point(100, 0)]));
    results.set('H', 'trpc-proc', procedure(50_000, [point(100, 0)]));
    expect(ofH(results)[0]?.status).toBe('not measured');
  });
});

describe('judgedStreams', () => {
  it('is the fewest streams both sides measured throughput at', () => {
    const at = (...counts: number[]) =>
      procedure(
        1,
        counts.map((n) => point(n, 1)),
      );
    expect(judgedStreams(at(100, 1000), at(100, 1000))).toBe(100);
    expect(judgedStreams(at(10, 100, 1000), at(100, 1000))).toBe(100);
    expect(judgedStreams(at(1000, 100), at(1000, 100))).toBe(100);
    expect(judgedStreams(at(100), at(1000))).toBeUndefined();
    expect(judgedStreams(at(100), undefined)).toBeUndefined();
  });
});

describe('median', () => {
  it('takes the middle value, or the mean of the middle two', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([])).toBeNaN();
  });
});
