import type { ScenarioName } from '../orchestrator/config.ts';
import {
  type FlowResult,
  type MultiplexResult,
  type ProcedureResult,
  type ProcedureThroughput,
  procedurePoint,
  type Results,
} from '../orchestrator/results.ts';
import { fmtCount, fmtPlural, fmtRatio, table } from './format.ts';

/** One target from issue 8 (and DESIGN.md §7), evaluated on this run's figures. */
export interface CriterionOutcome {
  scenario: ScenarioName;
  label: string;
  /** The measured ratio, when both sides were measured. */
  measured: number | undefined;
  threshold: number;
  direction: 'at least' | 'at most';
  status: 'met' | 'missed' | 'not measured';
  /** How far past (or short of) the threshold, in percent of it. */
  marginPct: number | undefined;
  note?: string | undefined;
}

function outcome(
  scenario: ScenarioName,
  label: string,
  measured: number | undefined,
  threshold: number,
  direction: 'at least' | 'at most',
  note?: string,
): CriterionOutcome {
  if (measured === undefined || !Number.isFinite(measured)) {
    const why = Number.isNaN(measured) ? 'one side did not grow measurably' : note;
    return {
      scenario,
      label,
      measured: undefined,
      threshold,
      direction,
      status: 'not measured',
      marginPct: undefined,
      note: why,
    };
  }
  const met = direction === 'at least' ? measured >= threshold : measured <= threshold;
  const marginPct =
    direction === 'at least' ? (measured / threshold - 1) * 100 : (threshold / measured - 1) * 100;
  return { scenario, label, measured, threshold, direction, status: met ? 'met' : 'missed', marginPct, note };
}

/** a ÷ b; undefined when a side is missing, NaN when a side is not positive (nothing to compare). */
function div(a: number | undefined, b: number | undefined): number | undefined {
  if (a === undefined || b === undefined) return undefined;
  return a > 0 && b > 0 ? a / b : Number.NaN;
}

/**
 * G's heap ratio beside its RSS ratio: RSS growth has a part that does not scale with the
 * connections (heap and allocator reserves), which weighs more on the side with a tenth of them.
 */
function heapRatioNote(mux: MultiplexResult | undefined, separate: MultiplexResult | undefined) {
  const heap = div(mux?.heapPerSubscription, separate?.heapPerSubscription);
  return heap !== undefined && Number.isFinite(heap) ? `heap per subscription: ${fmtRatio(heap)}` : undefined;
}

/** The fewest streams both sides measured throughput at: where H's throughput criterion is judged. */
export function judgedStreams(
  tidings: ProcedureResult | undefined,
  trpc: ProcedureResult | undefined,
): number | undefined {
  const theirs = new Set(trpc?.points.map((point) => point.streams));
  const shared = (tidings?.points ?? []).map((point) => point.streams).filter((n) => theirs.has(n));
  return shared.length === 0 ? undefined : Math.min(...shared);
}

/** Tidings ÷ tRPC events/s at one point: ∞ when tRPC delivered nothing and Tidings did. */
function rateRatio(tidings: ProcedureThroughput, trpc: ProcedureThroughput): number | undefined {
  if (trpc.median === 0 && tidings.median > 0) return Number.POSITIVE_INFINITY;
  return div(tidings.median, trpc.median);
}

/** What ended a point's streams early, or left its generators running, on either side. */
function pointTrouble(
  tidings: ProcedureThroughput | undefined,
  trpc: ProcedureThroughput | undefined,
  where: string,
): string[] {
  const notes: string[] = [];
  for (const [side, point] of [
    ['Tidings', tidings],
    ['tRPC', trpc],
  ] as const) {
    if (point && point.closedStreams > 0)
      notes.push(`${side}${where}: ${point.closedStreams} streams closed early`);
    if (point && point.endedMs === null)
      notes.push(`${side}${where}: generators still ran 15 s after the clients left`);
  }
  return notes;
}

/**
 * The figures of a point other than the judged one, beside the criterion: both rates and their
 * ratio, and a tRPC that delivered nothing said as such.
 */
function otherPointNote(tidings: ProcedureThroughput, trpc: ProcedureThroughput): string {
  const ratio = rateRatio(tidings, trpc);
  const figures = `at ${fmtCount(tidings.streams)} streams: ${fmtCount(tidings.median)} vs ${fmtCount(trpc.median)} events/s (${fmtRatio(ratio)})`;
  return trpc.median === 0 ? `${figures}, tRPC delivered no events in the windows` : figures;
}

/**
 * H's throughput criterion, judged at the fewest streams both sides measured (100 in the full
 * run: at 1,000, tRPC's process is so busy with its own streams that it delivers nothing, and
 * any ratio would be met trivially); the other points' figures go in the note. A tRPC that
 * delivered nothing at the judged point while Tidings delivered is past any threshold: reported
 * as such, not as "not measured".
 */
function procedureRate(
  tidings: ProcedureResult | undefined,
  trpc: ProcedureResult | undefined,
): CriterionOutcome {
  const at = judgedStreams(tidings, trpc);
  const label = `Procedures: events/s${at === undefined ? '' : ` at ${fmtCount(at)} streams`}, Tidings handler streams ÷ tRPC async-generator subscriptions (issue 15)`;
  const judged = at === undefined ? undefined : procedurePoint(tidings, at);
  const theirs = at === undefined ? undefined : procedurePoint(trpc, at);
  if (!judged || !theirs) return outcome('H', label, undefined, 10, 'at least');
  const perCpu = div(judged.perCpuSecond, theirs.perCpuSecond);
  const notes = [
    ...(theirs.median === 0 && judged.median > 0 ? ['tRPC delivered no events in the windows'] : []),
    ...(perCpu !== undefined && Number.isFinite(perCpu) ? [`per server CPU-s: ${fmtRatio(perCpu)}`] : []),
    ...pointTrouble(judged, theirs, ''),
  ];
  for (const point of tidings?.points ?? []) {
    const other = procedurePoint(trpc, point.streams);
    if (point.streams === at || !other) continue;
    notes.push(otherPointNote(point, other), ...pointTrouble(point, other, ` at ${fmtCount(point.streams)}`));
  }
  const note = notes.length === 0 ? undefined : notes.join('; ');
  const measured = rateRatio(judged, theirs);
  if (measured === Number.POSITIVE_INFINITY) {
    return {
      scenario: 'H',
      label,
      measured,
      threshold: 10,
      direction: 'at least',
      status: 'met',
      marginPct: undefined,
      note,
    } satisfies CriterionOutcome;
  }
  return outcome('H', label, measured, 10, 'at least', note);
}

/** H's memory note: the same ratio read while every stream streams (at the memory phase's count). */
function procedureMemoryNote(tidings: ProcedureResult | undefined, trpc: ProcedureResult | undefined) {
  const streaming = div(
    procedurePoint(tidings, tidings?.streams ?? 0)?.rssPerStreamStreaming,
    procedurePoint(trpc, trpc?.streams ?? 0)?.rssPerStreamStreaming,
  );
  return streaming !== undefined && Number.isFinite(streaming)
    ? `while streaming: ${fmtRatio(streaming)}`
    : undefined;
}

/**
 * What the metrics-on side's OpenTelemetry reader exported in A's windows: without an export in
 * them, the windows measured the hub's latency sampling but no collection.
 */
function metricsNote(on: FlowResult | undefined): string | undefined {
  const exported = on?.metricsExported;
  if (!exported) return undefined;
  return exported.exports === 0
    ? 'metrics on: no export fell in the windows (delivery-latency sampling only, no collection)'
    : `metrics on: ${fmtPlural(exported.exports, 'export')}, ${fmtPlural(exported.dataPoints, 'data point')} in the windows`;
}

/** Evaluates every target the run has figures for. */
export function evaluateCriteria(results: Results): CriterionOutcome[] {
  const flow = (scenario: 'A' | 'F', name: Parameters<Results['get']>[1]) =>
    results.get(scenario, name, 'flow')?.median;
  const latency = results.get('B', 'tidings', 'latency');
  const latencyNote =
    latency && latency.sustained < 0.98
      ? `Tidings sustained only ${Math.round(latency.sustained * 100)}% of the rate`
      : undefined;
  const emitCost = results.get('E', 'tidings', 'emit-cost');
  const mux = results.get('G', 'tidings-mux', 'multiplex');
  const separate = results.get('G', 'tidings-10', 'multiplex');
  const lost = [mux, separate].filter(
    (r): r is MultiplexResult => r !== undefined && r.flow.undelivered !== 0,
  );
  const metricsOn = results.get('A', 'tidings-metrics', 'flow');
  const metricsOff = results.get('A', 'tidings', 'flow');
  const proc = results.get('H', 'tidings-proc', 'procedure');
  const trpcProc = results.get('H', 'trpc-proc', 'procedure');
  const multiplexNote =
    lost.length > 0
      ? `undelivered events: ${lost.map((r) => `${r.connectionsPerClient} connection(s) per client ${r.flow.undelivered ?? 'unknown'}`).join(', ')}`
      : undefined;
  return [
    outcome(
      'A',
      'Fan-out: Tidings (memory) ÷ raw node:http',
      div(flow('A', 'tidings'), flow('A', 'raw')),
      0.85,
      'at least',
    ),
    outcome(
      'A',
      'Fan-out: Tidings (memory) ÷ better-sse',
      div(flow('A', 'tidings'), flow('A', 'better-sse')),
      1.8,
      'at least',
    ),
    outcome(
      'A',
      'Fan-out: Tidings on Redis (2 instances) ÷ Tidings on the memory broker',
      div(flow('A', 'tidings-redis'), flow('A', 'tidings')),
      0.5,
      'at least',
    ),
    outcome(
      'A',
      'Fan-out: events/s, Tidings with an OpenTelemetry SDK (metrics on) ÷ without (issue 18)',
      div(metricsOn?.median, metricsOff?.median),
      0.95,
      'at least',
      metricsNote(metricsOn),
    ),
    outcome(
      'A',
      'Fan-out: events per server CPU-s, Tidings with an OpenTelemetry SDK (metrics on) ÷ without (issue 18)',
      div(metricsOn?.perCpuSecond, metricsOff?.perCpuSecond),
      0.95,
      'at least',
    ),
    outcome(
      'B',
      'Latency: Tidings p99 ÷ raw node:http p99',
      div(latency?.p99, results.get('B', 'raw', 'latency')?.p99),
      1.3,
      'at most',
      latencyNote,
    ),
    outcome(
      'C',
      'Memory: Tidings RSS per idle connection ÷ raw node:http',
      div(
        results.get('C', 'tidings', 'memory')?.rssPerConnection,
        results.get('C', 'raw', 'memory')?.rssPerConnection,
      ),
      1.3,
      'at most',
    ),
    outcome(
      'D',
      'Connect rate: Tidings (params validation + authorize) ÷ raw node:http',
      div(results.get('D', 'tidings', 'connect')?.median, results.get('D', 'raw', 'connect')?.median),
      0.7,
      'at least',
    ),
    outcome(
      'E',
      'Emit cost: Tidings emit ÷ bare validate + stringify + frame',
      div(emitCost?.emitMedian, emitCost?.bareMedian),
      0.4,
      'at least',
    ),
    outcome(
      'F',
      'One event per callback: Tidings ÷ raw node:http writing each event (DESIGN §7: should beat it)',
      div(flow('F', 'tidings'), flow('F', 'raw-each')),
      1.0,
      'at least',
    ),
    outcome(
      'G',
      'Multiplex: events/s, 10 topics over one connection per client ÷ over ten connections',
      div(mux?.flow.median, separate?.flow.median),
      0.8,
      'at least',
      multiplexNote,
    ),
    outcome(
      'G',
      'Multiplex: server memory per subscription, one connection per client ÷ ten connections',
      div(mux?.rssPerSubscription, separate?.rssPerSubscription),
      0.3,
      'at most',
      heapRatioNote(mux, separate),
    ),
    procedureRate(proc, trpcProc),
    outcome(
      'H',
      'Procedures: server RSS per waiting stream, Tidings ÷ tRPC (issue 15)',
      div(proc?.rssPerStream, trpcProc?.rssPerStream),
      0.5,
      'at most',
      procedureMemoryNote(proc, trpcProc),
    ),
  ];
}

/** The targets table. */
export function criteriaTable(outcomes: readonly CriterionOutcome[]): string {
  const rows = outcomes.map((o) => [
    o.scenario,
    o.label,
    fmtRatio(o.measured),
    `${o.direction === 'at least' ? '≥' : '≤'} ${fmtRatio(o.threshold)}`,
    o.status === 'met' ? 'met' : o.status === 'missed' ? '**missed**' : 'not measured',
    o.marginPct === undefined ? '—' : `${o.marginPct >= 0 ? '+' : ''}${o.marginPct.toFixed(0)}%`,
    o.note ?? '',
  ]);
  return table(['', 'target', 'measured', 'needed', 'result', 'margin', 'note'], rows);
}
