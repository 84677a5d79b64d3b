import { SCENARIO_TITLES, type ScenarioName } from '../orchestrator/config.ts';
import type { FlowResult, Results, ScenarioResult } from '../orchestrator/results.ts';
import { TARGETS, type TargetName } from '../targets/registry.ts';
import { fmtCount, fmtKiB, fmtMs, fmtPct, fmtPlural, fmtRatio, table } from './format.ts';
import { describePoint, procedureSections } from './procedure-tables.ts';
import { failedRow, ratio, rowsFor } from './rows.ts';

/** A one-line summary of a result, for progress output. */
export function describeResult(result: ScenarioResult): string {
  switch (result.kind) {
    case 'flow':
      return `${fmtCount(result.median)} events/s (${result.rates.map(fmtCount).join(', ')}), server CPU ${fmtPct(result.serverCpuPct)}, loadgen CPU ${fmtPct(result.loadgenCpuPct)}, emitter waited ${fmtPct(result.emitterWaitPct)}${result.undelivered !== 0 ? `, ${result.undelivered ?? 'unknown'} UNDELIVERED` : ''}${result.unresponsive ? ', target stopped answering' : ''}${result.metricsExported ? `, OpenTelemetry: ${fmtPlural(result.metricsExported.exports, 'export')} (${fmtPlural(result.metricsExported.dataPoints, 'data point')})` : ''}`;
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
      return [
        `${fmtKiB(result.rssPerStream)} RSS per waiting stream (${result.streams} streams)`,
        ...result.points.map(describePoint),
      ].join('; ');
  }
}

/** The note cell of an A or F row: a target that stopped answering, and what an SDK exported. */
function flowNote(result: FlowResult): string {
  const notes: string[] = [];
  if (result.unresponsive) notes.push('target stopped answering');
  if (result.metricsExported) {
    const { exports, dataPoints } = result.metricsExported;
    notes.push(
      `OpenTelemetry: ${fmtPlural(exports, 'export')}, ${fmtPlural(dataPoints, 'data point')} in the windows`,
    );
  }
  return notes.join('; ');
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
              flowNote(result),
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
          ? `\n\n${any.clients} clients, until the last one has its response headers; median of the timed runs after ${any.warmups} untimed warm-up round(s).`
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
    case 'H':
      return `${title}\n\n${procedureSections(results, rows)}`;
  }
}
