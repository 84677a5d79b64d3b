import { describe, expect, it } from 'vitest';
import { type MultiplexResult, Results } from '../orchestrator/results.ts';
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
