import { SCENARIO_TARGETS, SCENARIO_TITLES, type ScenarioName } from '../orchestrator/config.ts';
import type { ProcedureResult, Results, ScenarioResult } from '../orchestrator/results.ts';
import { TARGETS, type TargetName } from '../targets/registry.ts';
import { fmtCount, fmtKiB, fmtMs, fmtPct, fmtRatio, table } from './format.ts';

/** A one-line summary of a result, for progress output. */
export function describeResult(result: ScenarioResult): string {
  switch (result.kind) {
    case 'flow':
      return `${fmtCount(result.median)} events/s (${result.rates.map(fmtCount).join(', ')}), server CPU ${fmtPct(result.serverCpuPct)}, loadgen CPU ${fmtPct(result.loadgenCpuPct)}, emitter waited ${fmtPct(result.emitterWaitPct)}${result.undelivered !== 0 ? `, ${result.undelivered ?? 'unknown'} UNDELIVERED` : ''}${result.unresponsive ? ', target stopped answering' : ''}`;
    case 'latency':
      return `p50 ${fmtMs(result.p50)}, p99 ${fmtMs(result.p99)}, max ${fmtMs(result.max)}, sustained ${fmtPct(result.sustained * 100)}, server CPU ${fmtPct(result.serverCpuPct)}, loadgen CPU ${fmtPct(result.loadgenCpuPct)}${result.unresponsive ? ', target stopped answering' : ''}`;
    case 'memory':
      return `${fmtKiB(result.rssPerConnection)} RSS per connection (${result.connections} connections)`;
    case 'connect':
      return `${fmtCount(result.median)} connections/s (${result.rates.map(fmtCount).join(', ')})`;
    case 'emit-cost':
      return `emit ${fmtCount(result.emitMedian)}/s vs bare ${fmtCount(result.bareMedian)}/s`;
    case 'multiplex':
      return `${result.connectionsPerClient} connection(s) per client: ${describeResult(result.flow)}; ${fmtKiB(result.rssPerSubscription)} RSS per subscription (${result.memoryClients * result.subscriptionsPerClient} subscriptions)`;
    case 'procedure':
      return `${fmtCount(result.median)} events/s (${result.rates.map(fmtCount).join(', ')}) over ${result.streams} streams, server CPU ${fmtPct(result.serverCpuPct)}, loadgen CPU ${fmtPct(result.loadgenCpuPct)}, slowest stream ${fmtRatio(result.slowestShare)} of the mean; ${fmtKiB(result.rssPerStream)} RSS per waiting stream, ${fmtKiB(result.rssPerStreamStreaming)} streaming, slowest answer ${fmtAnswer(result.slowestAnswerMs)}, generators ended ${fmtEnded(result)}${result.closedStreams > 0 ? `, ${result.closedStreams} STREAMS CLOSED` : ''}`;
  }
}

/** How long the target took to answer; "none" when it did not within a window. */
function fmtAnswer(ms: number | null): string {
  return ms === null ? 'none within a window' : fmtMs(ms);
}

/** How long after its clients left the target ran no generator, or what still ran. */
function fmtEnded(result: ProcedureResult): string {
  return result.endedMs === null
    ? `not within 15 s (running: ${result.runningAfterEnd ?? 'unknown'})`
    : `after ${fmtMs(result.endedMs)}`;
}

function ratio(value: number | undefined, base: number | undefined): number | undefined {
  return value === undefined || base === undefined || base === 0 ? undefined : value / base;
}

function rowsFor(
  results: Results,
  scenario: ScenarioName,
): [TargetName, ScenarioResult | undefined, string | undefined][] {
  return SCENARIO_TARGETS[scenario]
    .filter(
      (name) =>
        results.byScenario.get(scenario)?.has(name) ||
        results.errors.some((e) => e.scenario === scenario && e.target === name),
    )
    .map((name) => [
      name,
      results.byScenario.get(scenario)?.get(name),
      results.errors.find((e) => e.scenario === scenario && e.target === name)?.message,
    ]);
}

function failedRow(name: TargetName, width: number, error: string | undefined): string[] {
  const cells = [TARGETS[name].label, `failed: ${(error ?? 'no result').split('\n')[0]!.slice(0, 120)}`];
  while (cells.length < width) cells.push('');
  return cells;
}

/** The markdown section of one scenario, or nothing when it did not run. */
export function scenarioTable(results: Results, scenario: ScenarioName): string | undefined {
  const rows = rowsFor(results, scenario);
  if (rows.length === 0) return undefined;
  const title = `### ${SCENARIO_TITLES[scenario]}`;
  switch (scenario) {
    case 'A':
    case 'F': {
      const baseName: TargetName = scenario === 'A' ? 'raw' : 'raw-each';
      const base = results.get(scenario, baseName, 'flow')?.median;
      const header = [
        'target',
        'validates',
        'events/s delivered (median)',
        'runs',
        `× ${baseName}`,
        'server CPU',
        'events per server CPU-s',
        'loadgen CPU',
        'emitter waited',
        'undelivered',
        'note',
      ];
      const body = rows.map(([name, result, error]) =>
        result?.kind === 'flow'
          ? [
              TARGETS[name].label,
              TARGETS[name].validates,
              fmtCount(result.median),
              result.rates.map(fmtCount).join(' / '),
              fmtRatio(ratio(result.median, base)),
              fmtPct(result.serverCpuPct),
              fmtCount(result.perCpuSecond),
              fmtPct(result.loadgenCpuPct),
              fmtPct(result.emitterWaitPct),
              result.undelivered === null ? 'unknown' : String(result.undelivered),
              result.unresponsive ? 'target stopped answering' : '',
            ]
          : failedRow(name, header.length, error),
      );
      const clients = rows.find(([, r]) => r?.kind === 'flow')?.[1];
      const note =
        clients?.kind === 'flow'
          ? `\n\n${clients.clients} clients; events per second summed over clients. Server CPU is percent of one core (all instances); "emitter waited" is the share of the time the emitter had no credit because the clients were behind (high with a saturated load generator).`
          : '';
      return `${title}\n\n${table(header, body)}${note}`;
    }
    case 'B': {
      const base = results.get('B', 'raw', 'latency')?.p99;
      const header = [
        'target',
        'p50',
        'p90',
        'p99',
        'max',
        'p99 × raw',
        'rate sustained',
        'server CPU',
        'loadgen CPU',
      ];
      const body = rows.map(([name, result, error]) =>
        result?.kind === 'latency'
          ? [
              TARGETS[name].label,
              fmtMs(result.p50),
              fmtMs(result.p90),
              fmtMs(result.p99),
              fmtMs(result.max),
              fmtRatio(ratio(result.p99, base)),
              `${fmtPct(result.sustained * 100)}${result.unresponsive ? ' (target stopped answering)' : ''}`,
              fmtPct(result.serverCpuPct),
              fmtPct(result.loadgenCpuPct),
            ]
          : failedRow(name, header.length, error),
      );
      const any = rows.find(([, r]) => r?.kind === 'latency')?.[1];
      const note = any?.kind === 'latency' ? `\n\n${any.perSecond} events/s to ${any.clients} clients.` : '';
      return `${title}\n\n${table(header, body)}${note}`;
    }
    case 'C': {
      const base = results.get('C', 'raw', 'memory')?.rssPerConnection;
      const header = ['target', 'RSS per idle connection', 'heap per connection', '× raw'];
      const body = rows.map(([name, result, error]) =>
        result?.kind === 'memory'
          ? [
              TARGETS[name].label,
              fmtKiB(result.rssPerConnection),
              fmtKiB(result.heapPerConnection),
              fmtRatio(ratio(result.rssPerConnection, base)),
            ]
          : failedRow(name, header.length, error),
      );
      const any = rows.find(([, r]) => r?.kind === 'memory')?.[1];
      const note =
        any?.kind === 'memory'
          ? `\n\n${any.connections} idle connections; RSS summed over a target's instances.`
          : '';
      return `${title}\n\n${table(header, body)}${note}`;
    }
    case 'D': {
      const base = results.get('D', 'raw', 'connect')?.median;
      const header = ['target', 'connections/s (median)', 'runs', '× raw'];
      const body = rows.map(([name, result, error]) =>
        result?.kind === 'connect'
          ? [
              TARGETS[name].label,
              fmtCount(result.median),
              result.rates.map(fmtCount).join(' / '),
              fmtRatio(ratio(result.median, base)),
            ]
          : failedRow(name, header.length, error),
      );
      const any = rows.find(([, r]) => r?.kind === 'connect')?.[1];
      const note =
        any?.kind === 'connect'
          ? `\n\n${any.clients} clients, until the last one has its response headers.`
          : '';
      return `${title}\n\n${table(header, body)}${note}`;
    }
    case 'E': {
      const header = ['target', 'bare validate + stringify + frame', '`emit`, no clients', '× bare'];
      const body = rows.map(([name, result, error]) =>
        result?.kind === 'emit-cost'
          ? [
              TARGETS[name].label,
              `${fmtCount(result.bareMedian)}/s`,
              `${fmtCount(result.emitMedian)}/s`,
              fmtRatio(ratio(result.emitMedian, result.bareMedian)),
            ]
          : failedRow(name, header.length, error),
      );
      return `${title}\n\n${table(header, body)}\n\nMedians of alternating rounds in one process.`;
    }
    case 'G': {
      const baseName: TargetName = 'tidings-10';
      const base = results.get('G', baseName, 'multiplex');
      const header = [
        'target',
        'connections per client',
        'events/s delivered (median)',
        'runs',
        '× ten connections',
        'server CPU',
        'events per server CPU-s',
        'loadgen CPU',
        'emitter waited',
        'undelivered',
        'RSS per subscription',
        'heap per subscription',
        'RSS × ten connections',
        'note',
      ];
      const body = rows.map(([name, result, error]) =>
        result?.kind === 'multiplex'
          ? [
              TARGETS[name].label,
              String(result.connectionsPerClient),
              fmtCount(result.flow.median),
              result.flow.rates.map(fmtCount).join(' / '),
              fmtRatio(ratio(result.flow.median, base?.flow.median)),
              fmtPct(result.flow.serverCpuPct),
              fmtCount(result.flow.perCpuSecond),
              fmtPct(result.flow.loadgenCpuPct),
              fmtPct(result.flow.emitterWaitPct),
              result.flow.undelivered === null ? 'unknown' : String(result.flow.undelivered),
              fmtKiB(result.rssPerSubscription),
              fmtKiB(result.heapPerSubscription),
              fmtRatio(ratio(result.rssPerSubscription, base?.rssPerSubscription)),
              result.flow.unresponsive ? 'target stopped answering' : '',
            ]
          : failedRow(name, header.length, error),
      );
      const any = rows.find(([, r]) => r?.kind === 'multiplex')?.[1];
      const note =
        any?.kind === 'multiplex'
          ? `\n\n${any.flow.clients} clients, each subscribed to the same ${any.subscriptionsPerClient} topics; the emitter spreads its events over the topics, so every client receives every event. Events per second summed over clients (a client's connections count as one client). Memory: ${any.memoryClients} idle clients (${any.memoryClients * any.subscriptionsPerClient} subscriptions) in a fresh process, RSS growth after a full GC divided by the subscriptions.`
          : '';
      return `${title}\n\n${table(header, body)}${note}`;
    }
    case 'H': {
      const base = results.get('H', 'trpc-proc', 'procedure');
      const header = [
        'target',
        'validates',
        'events/s delivered (median)',
        'runs',
        '× tRPC',
        'server CPU',
        'events per server CPU-s',
        'loadgen CPU',
        'slowest stream ÷ mean',
        'RSS per stream (waiting)',
        'heap per stream',
        'RSS × tRPC',
        'RSS per stream (streaming)',
        'slowest answer',
        'generators ended',
        'note',
      ];
      const body = rows.map(([name, result, error]) =>
        result?.kind === 'procedure'
          ? [
              TARGETS[name].label,
              TARGETS[name].validates,
              fmtCount(result.median),
              result.rates.map(fmtCount).join(' / '),
              fmtRatio(
                result.median > 0 && base?.median === 0
                  ? Number.POSITIVE_INFINITY
                  : ratio(result.median, base?.median),
              ),
              fmtPct(result.serverCpuPct),
              fmtCount(result.perCpuSecond),
              fmtPct(result.loadgenCpuPct),
              fmtRatio(result.slowestShare),
              fmtKiB(result.rssPerStream),
              fmtKiB(result.heapPerStream),
              fmtRatio(ratio(result.rssPerStream, base?.rssPerStream)),
              fmtKiB(result.rssPerStreamStreaming),
              fmtAnswer(result.slowestAnswerMs),
              fmtEnded(result),
              result.closedStreams > 0 ? `${result.closedStreams} streams closed early` : '',
            ]
          : failedRow(name, header.length, error),
      );
      const any = rows.find(([, r]) => r?.kind === 'procedure')?.[1];
      const note =
        any?.kind === 'procedure'
          ? `\n\n${any.streams} concurrent streams, one client each, every one served by its own generator producing tokens as fast as its connection takes them; events per second summed over the streams. RSS per stream (waiting): in a fresh process, RSS growth after a full GC from a baseline with no streams to ${any.streams} open streams that have each sent ${any.primed} events and wait for their next one, divided by ${any.streams}. RSS per stream (streaming): the process's RSS read from /proc at the end of the windows, while every stream streams, less the baseline (no GC first; adds what each server buffers per connection under back-pressure). Server CPU from /proc too. Slowest answer: the longest the target took to answer the orchestrator during the windows (a server whose streams keep its event loop to themselves answers late, and so do its other clients). Generators ended: how long after every client left the target ran none (their \`finally\` blocks ran).`
          : '';
      return `${title}\n\n${table(header, body)}${note}`;
    }
  }
}
