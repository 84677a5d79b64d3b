import { describe, expect, it } from 'vitest';
import {
  type MultiplexResult,
  type ProcedureResult,
  type ProcedureThroughput,
  Results,
} from '../orchestrator/results.ts';
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

function point(streams: number, rate: number, extra: Partial<ProcedureThroughput> = {}): ProcedureThroughput {
  return {
    streams,
    rates: [rate, rate * 1.1, rate * 0.9],
    median: rate,
    serverCpuPct: 99,
    perCpuSecond: rate,
    loadgenCpuPct: 70,
    slowestShare: 0.95,
    closedStreams: 0,
    rssPerStreamStreaming: 100 * 1024,
    slowestAnswerMs: 12,
    endedMs: 250,
    runningAfterEnd: null,
    ...extra,
  };
}

function procedure(rssPerStream: number, points: ProcedureThroughput[]): ProcedureResult {
  return {
    kind: 'procedure',
    streams: 1000,
    primed: 16,
    rssPerStream,
    heapPerStream: rssPerStream / 2,
    baselineRss: 60e6,
    points,
  };
}

describe('scenario H tables', () => {
  const cells = (line: string) => line.split('|').map((cell) => cell.trim());

  it('shows throughput at each number of streams relative to tRPC, then memory, each with its note', () => {
    const results = new Results();
    results.set(
      'H',
      'tidings-proc',
      procedure(10 * 1024, [point(100, 400_000), point(1000, 300_000, { rssPerStreamStreaming: 20 * 1024 })]),
    );
    results.set(
      'H',
      'trpc-proc',
      procedure(50 * 1024, [
        point(100, 20_000),
        point(1000, 0, { slowestAnswerMs: null, endedMs: null, runningAfterEnd: '985' }),
      ]),
    );
    const section = scenarioTable(results, 'H')!;
    const lines = section.split('\n');
    expect(lines[0]).toMatch(/^### H\. /);
    const rows = (label: string) => lines.filter((line) => line.startsWith(`| ${label}`)).map(cells);
    const [tidings100, tidings1000, tidingsMemory] = rows('Tidings procedure (handler stream)');
    const [trpc100, trpc1000, trpcMemory] = rows('tRPC v11 async-generator subscription');
    // Grouped by streams: both targets at 100, then both at 1,000.
    expect(lines.findIndex((line) => line.includes('| 1,000 '))).toBeGreaterThan(
      lines.findIndex((line) => line.startsWith('| tRPC')),
    );
    expect(tidings100!.slice(3, 7)).toEqual(['100', '400k', '400k / 440k / 360k', '20.0×']);
    expect(tidings100!.slice(10, 14)).toEqual(['0.95×', '12.0 ms', 'after 250 ms', '']);
    expect(trpc100!.slice(3, 7)).toEqual(['100', '20.0k', '20.0k / 22.0k / 18.0k', '1.00×']);
    expect(tidings1000!.slice(3, 7)).toEqual(['1,000', '300k', '300k / 330k / 270k', '∞×']);
    expect(trpc1000!.slice(3, 7)).toEqual(['1,000', '0', '0 / 0 / 0', '—']);
    expect(trpc1000!.slice(11, 14)).toEqual([
      'none within a window',
      'not within 15 s (running: 985)',
      'delivered no events in the windows',
    ]);
    expect(tidingsMemory!.slice(2, 6)).toEqual(['10.0 KiB', '5.0 KiB', '0.20×', '20.0 KiB']);
    expect(trpcMemory!.slice(2, 6)).toEqual(['50.0 KiB', '25.0 KiB', '1.00×', '100.0 KiB']);
    expect(section).toContain('Throughput at 100 and 1,000 concurrent streams');
    expect(section).toContain('The throughput criterion is judged at 100 streams.');
    expect(section).toContain('1,000 open streams that have each sent 16 events');
  });

  it('shows a failed target in both tables', () => {
    const results = new Results();
    results.set('H', 'tidings-proc', procedure(10 * 1024, [point(100, 400_000)]));
    results.fail('H', 'trpc-proc', new Error('memory: a stream received 3 of its first 16 events\nstack'));
    const section = scenarioTable(results, 'H')!;
    expect(
      section.match(/\| tRPC v11 async-generator subscription +\| failed: memory: a stream/g),
    ).toHaveLength(2);
    expect(section).not.toContain('judged at');
  });

  it('describes a result on one line, memory then each point', () => {
    const line = describeResult(
      procedure(10 * 1024, [point(100, 400_000), point(1000, 300_000, { closedStreams: 2 })]),
    );
    expect(line).toMatch(
      /^10\.0 KiB RSS per waiting stream \(1000 streams\); at 100 streams 400k events\/s \(400k, 440k, 360k\), .*; at 1000 streams 300k events\/s .*, 2 STREAMS CLOSED$/,
    );
  });
});

describe('scenario A table', () => {
  it('notes what the OpenTelemetry reader of the metrics-on target exported', () => {
    const results = new Results();
    const { flow } = multiplex(1, 500_000, 0);
    results.set('A', 'tidings', flow);
    results.set('A', 'tidings-metrics', { ...flow, metricsExported: { exports: 12, dataPoints: 4_200 } });
    const section = scenarioTable(results, 'A')!;
    expect(section).toMatch(
      /\| Tidings, memory broker, OpenTelemetry SDK \(metrics on\) +\| once per event +\| 500k .*\| OpenTelemetry: 12 exports, 4,200 data points in the windows +\|$/m,
    );
    expect(describeResult({ ...flow, metricsExported: { exports: 1, dataPoints: 90 } })).toMatch(
      /, OpenTelemetry: 1 export \(90 data points\)$/,
    );
  });
});
