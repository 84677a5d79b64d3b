import type { ScenarioName } from '../orchestrator/config.ts';
import type { MultiplexResult, ProcedureResult, Results } from '../orchestrator/results.ts';
import { fmtRatio, table } from './format.ts';

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

/** H's throughput note: the server-side ratio (steadier on a busy machine) and streams that ended early. */
function procedureRateNote(tidings: ProcedureResult | undefined, trpc: ProcedureResult | undefined) {
  const perCpu = div(tidings?.perCpuSecond, trpc?.perCpuSecond);
  const notes = [
    perCpu !== undefined && Number.isFinite(perCpu) ? `per server CPU-s: ${fmtRatio(perCpu)}` : '',
  ];
  for (const [side, result] of [
    ['Tidings', tidings],
    ['tRPC', trpc],
  ] as const) {
    if (result && result.closedStreams > 0)
      notes.push(`${side}: ${result.closedStreams} streams closed early`);
    if (result && result.endedMs === null)
      notes.push(`${side}: generators still ran 15 s after the clients left`);
  }
  const note = notes.filter(Boolean).join('; ');
  return note === '' ? undefined : note;
}

/**
 * H's throughput criterion. A tRPC that delivered nothing in the windows (its process busy with
 * its own streams) while Tidings delivered is past any threshold: reported as such, not as "not measured".
 */
function procedureRate(
  tidings: ProcedureResult | undefined,
  trpc: ProcedureResult | undefined,
): CriterionOutcome {
  const label =
    'Procedures: events/s, Tidings handler streams ÷ tRPC async-generator subscriptions (issue 15)';
  const note = procedureRateNote(tidings, trpc);
  if (tidings && trpc && trpc.median === 0 && tidings.median > 0) {
    return {
      scenario: 'H',
      label,
      measured: Number.POSITIVE_INFINITY,
      threshold: 10,
      direction: 'at least',
      status: 'met',
      marginPct: undefined,
      note: ['tRPC delivered no events in the windows', note].filter(Boolean).join('; '),
    } satisfies CriterionOutcome;
  }
  return outcome('H', label, div(tidings?.median, trpc?.median), 10, 'at least', note);
}

/** H's memory note: the same ratio read while every stream streams (buffers under back-pressure included). */
function procedureMemoryNote(tidings: ProcedureResult | undefined, trpc: ProcedureResult | undefined) {
  const streaming = div(tidings?.rssPerStreamStreaming, trpc?.rssPerStreamStreaming);
  return streaming !== undefined && Number.isFinite(streaming)
    ? `while streaming: ${fmtRatio(streaming)}`
    : undefined;
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
