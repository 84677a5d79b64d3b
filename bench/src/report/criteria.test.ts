import { describe, expect, it } from 'vitest';
import { median, Results } from '../orchestrator/results.ts';
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

describe('median', () => {
  it('takes the middle value, or the mean of the middle two', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([])).toBeNaN();
  });
});
