import { describe, expect, it } from 'vitest';
import { type MultiplexResult, type ProcedureResult, Results } from '../orchestrator/results.ts';
import { describeResult, scenarioTable } from './tables.ts';

function multiplex(connections: number, rate: number, rssPerSubscription: number): MultiplexResult {
  return {
    kind: 'multiplex',
    connectionsPerClient: connections,
    subscriptionsPerClient: 10,
    flow: {
      kind: 'flow',
      rates: [rate, rate * 1.1, rate * 0.9],
      median: rate,
      serverCpuPct: 95,
      loadgenCpuPct: 80,
      perCpuSecond: rate / 0.95,
      emitterWaitPct: 10,
      undelivered: 0,
      clients: 1000,
      unresponsive: false,
    },
    rssPerSubscription,
    heapPerSubscription: rssPerSubscription / 2,
    memoryClients: 1000,
    baselineRss: 60e6,
  };
}

describe('scenario G table', () => {
  it('shows both ways side by side, relative to ten connections, with the scale in a note', () => {
    const results = new Results();
    results.set('G', 'tidings-mux', multiplex(1, 1_200_000, 1024));
    results.set('G', 'tidings-10', multiplex(10, 1_000_000, 10 * 1024));
    const section = scenarioTable(results, 'G')!;
    const lines = section.split('\n');
    expect(lines[0]).toMatch(/^### G\. /);
    const row = (label: string) => lines.find((line) => line.startsWith(`| ${label}`))!;
    const cells = (line: string) => line.split('|').map((cell) => cell.trim());
    const mux = cells(row('Tidings, 10 topics over one multiplexed connection per client'));
    const ten = cells(row('Tidings, 10 topics over ten connections per client'));
    expect(mux.slice(2, 6)).toEqual(['1', '1.20M', '1.20M / 1.32M / 1.08M', '1.20×']);
    expect(ten.slice(2, 6)).toEqual(['10', '1.00M', '1.00M / 1.10M / 900k', '1.00×']);
    expect(mux.slice(10, 14)).toEqual(['0', '1.0 KiB', '0.5 KiB', '0.10×']);
    expect(section).toContain('1000 clients, each subscribed to the same 10 topics');
    expect(section).toContain('1000 idle clients (10000 subscriptions)');
  });

  it('shows a failed side as such', () => {
    const results = new Results();
    results.set('G', 'tidings-mux', multiplex(1, 1_200_000, 1024));
    results.fail('G', 'tidings-10', new Error('10 of 1000 clients failed\nstack'));
    const section = scenarioTable(results, 'G')!;
    expect(section).toMatch(/ten connections per client +\| failed: 10 of 1000 clients failed +\|/);
    expect(section).toContain('| 1.20M ');
  });

  it('describes a result on one line', () => {
    expect(describeResult(multiplex(10, 1_000_000, 2048))).toMatch(
      /^10 connection\(s\) per client: 1\.00M events\/s .*; 2\.0 KiB RSS per subscription \(10000 subscriptions\)$/,
    );
  });
});

function procedure(
  rate: number,
  rssPerStream: number,
  extra: Partial<ProcedureResult> = {},
): ProcedureResult {
  return {
    kind: 'procedure',
    streams: 1000,
    rates: [rate, rate * 1.1, rate * 0.9],
    median: rate,
    serverCpuPct: 99,
    perCpuSecond: rate,
    loadgenCpuPct: 70,
    slowestShare: 0.95,
    closedStreams: 0,
    primed: 16,
    rssPerStream,
    heapPerStream: rssPerStream / 2,
    baselineRss: 60e6,
    rssPerStreamStreaming: rssPerStream * 10,
    slowestAnswerMs: 12,
    endedMs: 250,
    runningAfterEnd: null,
    ...extra,
  };
}

describe('scenario H table', () => {
  it('shows each target relative to tRPC, with the memory definition in a note', () => {
    const results = new Results();
    results.set('H', 'tidings-proc', procedure(400_000, 10 * 1024));
    results.set(
      'H',
      'trpc-proc',
      procedure(20_000, 50 * 1024, { slowestAnswerMs: null, endedMs: null, runningAfterEnd: '985' }),
    );
    const section = scenarioTable(results, 'H')!;
    const lines = section.split('\n');
    expect(lines[0]).toMatch(/^### H\. /);
    const cells = (label: string) =>
      lines
        .find((line) => line.startsWith(`| ${label}`))!
        .split('|')
        .map((cell) => cell.trim());
    const tidings = cells('Tidings procedure (handler stream)');
    const trpc = cells('tRPC v11 async-generator subscription');
    expect(tidings.slice(3, 6)).toEqual(['400k', '400k / 440k / 360k', '20.0×']);
    expect(tidings.slice(10, 17)).toEqual([
      '10.0 KiB',
      '5.0 KiB',
      '0.20×',
      '100.0 KiB',
      '12.0 ms',
      'after 250 ms',
      '',
    ]);
    expect(trpc.slice(5, 6)).toEqual(['1.00×']);
    expect(trpc.slice(14, 16)).toEqual(['none within a window', 'not within 15 s (running: 985)']);
    expect(section).toContain('1000 concurrent streams');
    expect(section).toContain('1000 open streams that have each sent 16 events');
  });

  it('shows a tRPC that delivered nothing as such: the others are ∞× it', () => {
    const results = new Results();
    results.set('H', 'tidings-proc', procedure(400_000, 10 * 1024));
    results.set('H', 'trpc-proc', procedure(0, 50 * 1024));
    const section = scenarioTable(results, 'H')!;
    expect(section).toMatch(/\| Tidings procedure \(handler stream\) .*\| 400k .*\| ∞× +\|/);
    expect(section).toMatch(/\| tRPC v11 async-generator subscription .*\| 0 +\| 0 \/ 0 \/ 0 +\| — +\|/);
  });

  it('describes a result on one line', () => {
    expect(describeResult(procedure(400_000, 10 * 1024, { closedStreams: 2 }))).toMatch(
      /^400k events\/s \(400k, 440k, 360k\) over 1000 streams, .*10\.0 KiB RSS per waiting stream.*, 2 STREAMS CLOSED$/,
    );
  });
});
