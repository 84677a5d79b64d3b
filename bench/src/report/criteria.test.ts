import { describe, expect, it } from 'vitest';
import { median, type ProcedureResult, Results } from '../orchestrator/results.ts';
import { evaluateCriteria } from './criteria.ts';

function flow(rate: number) {
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

function procedure(rate: number, rss: number, extra: Partial<ProcedureResult> = {}): ProcedureResult {
  return {
    kind: 'procedure',
    streams: 1000,
    rates: [rate],
    median: rate,
    serverCpuPct: 100,
    perCpuSecond: rate,
    loadgenCpuPct: 50,
    slowestShare: 0.9,
    closedStreams: 0,
    primed: 16,
    rssPerStream: rss,
    heapPerStream: rss / 2,
    baselineRss: 60e6,
    rssPerStreamStreaming: rss * 4,
    slowestAnswerMs: 20,
    endedMs: 100,
    runningAfterEnd: null,
    ...extra,
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

describe('evaluateCriteria, scenario H (procedures)', () => {
  const ofH = (results: Results) => evaluateCriteria(results).filter((o) => o.scenario === 'H');

  it('needs Tidings at 10× tRPC events/s or more, at 0.5× its RSS per stream or less', () => {
    const results = new Results();
    results.set('H', 'raw-proc', procedure(900_000, 5_000));
    results.set('H', 'tidings-proc', procedure(400_000, 10_000, { perCpuSecond: 420_000 }));
    results.set('H', 'trpc-proc', procedure(25_000, 50_000, { perCpuSecond: 21_000 }));
    const [rate, memory] = ofH(results);
    expect(rate).toMatchObject({ status: 'met', measured: 16, threshold: 10, direction: 'at least' });
    expect(rate?.note).toBe('per server CPU-s: 20.0×');
    expect(memory).toMatchObject({ status: 'met', measured: 0.2, threshold: 0.5, direction: 'at most' });
    expect(memory?.note).toBe('while streaming: 0.20×');

    results.set('H', 'tidings-proc', procedure(100_000, 30_000, { closedStreams: 3 }));
    const [slower, heavier] = ofH(results);
    expect(slower).toMatchObject({ status: 'missed', measured: 4 });
    expect(slower?.note).toMatch(/Tidings: 3 streams closed early/);
    expect(heavier).toMatchObject({ status: 'missed', measured: 0.6 });
  });

  it('counts a tRPC that delivered nothing while Tidings delivered as past the threshold', () => {
    const results = new Results();
    results.set('H', 'tidings-proc', procedure(300_000, 10_000));
    results.set('H', 'trpc-proc', procedure(0, 50_000, { endedMs: null, runningAfterEnd: 'unknown' }));
    const [rate] = ofH(results);
    expect(rate).toMatchObject({ status: 'met', measured: Number.POSITIVE_INFINITY, marginPct: undefined });
    expect(rate?.note).toMatch(/^tRPC delivered no events in the windows; .*tRPC: generators still ran/);
  });

  it('does not judge H with a side missing, or with nothing delivered on either side', () => {
    const results = new Results();
    results.set('H', 'tidings-proc', procedure(300_000, 10_000));
    for (const o of ofH(results)) expect(o.status).toBe('not measured');
    results.set('H', 'tidings-proc', procedure(0, 10_000));
    results.set('H', 'trpc-proc', procedure(0, 50_000));
    expect(ofH(results)[0]?.status).toBe('not measured');
  });
});

describe('median', () => {
  it('takes the middle value, or the mean of the middle two', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([])).toBeNaN();
  });
});
