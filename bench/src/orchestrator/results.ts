import type { MetricsExported } from '../shared/protocol.ts';
import type { TargetName } from '../targets/registry.ts';
import type { ScenarioName } from './config.ts';

/** A and F: events delivered per second across all clients. */
export interface FlowResult {
  kind: 'flow';
  /** One figure per measurement window. */
  rates: number[];
  median: number;
  /** Server CPU (all instances) over the windows, percent of one core. */
  serverCpuPct: number;
  loadgenCpuPct: number;
  /** Events delivered per second of server CPU (all instances): steadier than the rate on a busy machine. */
  perCpuSecond: number;
  /** Share of the windows the emitter waited for the clients to catch up, percent. */
  emitterWaitPct: number;
  /** Events some client had not received when the drain wait ended (0 when the harness and target are sound; null when unknown). */
  undelivered: number | null;
  clients: number;
  /** Set when the target stopped answering the orchestrator (overloaded); CPU figures are then NaN. */
  unresponsive: boolean;
  /** What the target's OpenTelemetry reader exported during the windows (targets with an SDK: `tidings-metrics`). */
  metricsExported?: MetricsExported | undefined;
}

/** B: latency from emit to receipt, in ms. */
export interface LatencyResult {
  kind: 'latency';
  p50: number;
  p90: number;
  p99: number;
  max: number;
  samples: number;
  /** Delivered ÷ expected over the window (1 means the rate was sustained). */
  sustained: number;
  clients: number;
  perSecond: number;
  /** Server CPU (all instances) and load generator CPU over the window, percent of one core. */
  serverCpuPct: number;
  loadgenCpuPct: number;
  /** Set when the target stopped answering the orchestrator (overloaded). */
  unresponsive: boolean;
}

/** C: bytes of server RSS per idle connection. */
export interface MemoryResult {
  kind: 'memory';
  rssPerConnection: number;
  heapPerConnection: number;
  connections: number;
  baselineRss: number;
}

/** D: connections per second until every client has its response headers. */
export interface ConnectResult {
  kind: 'connect';
  rates: number[];
  median: number;
  clients: number;
  /** Untimed rounds before the timed ones. */
  warmups: number;
}

/** E: emits per second with no clients against the bare loop in the same process. */
export interface EmitCostResult {
  kind: 'emit-cost';
  bare: number[];
  emit: number[];
  bareMedian: number;
  emitMedian: number;
}

/** G: ten subscriptions per client, over one multiplexed connection or one connection per topic. */
export interface MultiplexResult {
  kind: 'multiplex';
  /** Connections each client opens (1 multiplexed, or one per topic). */
  connectionsPerClient: number;
  /** Subscriptions each client holds (one per topic). */
  subscriptionsPerClient: number;
  /** Throughput, measured as in A: every client receives every event; `clients` counts clients, not connections. */
  flow: FlowResult;
  /** Server RSS growth per subscription with `memoryClients` idle clients, in a fresh process. */
  rssPerSubscription: number;
  heapPerSubscription: number;
  memoryClients: number;
  baselineRss: number;
}

/** H at one number of concurrent streams, every one released at once: throughput, fairness, answers, the end. */
export interface ProcedureThroughput {
  /** Concurrent streams, one client each. */
  streams: number;
  /** Events delivered per second over all streams, one figure per measurement window. */
  rates: number[];
  median: number;
  /** Server CPU over the windows (from /proc), percent of one core; NaN where /proc cannot say. */
  serverCpuPct: number;
  /** Events delivered per second of server CPU. */
  perCpuSecond: number;
  loadgenCpuPct: number;
  /** Events of the stream that received fewest since the gate opened ÷ the mean (1: every stream got its share). */
  slowestShare: number;
  /** Streams that closed before the load generator closed them (a handler that failed ends its stream). */
  closedStreams: number;
  /** RSS growth per stream read from /proc at the end of the windows, every stream streaming (no GC first). */
  rssPerStreamStreaming: number;
  /** The target's slowest answer to a request sent at the start of a window, ms; null: one did not come within its window. */
  slowestAnswerMs: number | null;
  /** ms from the clients' leaving until the target ran no generator; null: some still ran 15 s later. */
  endedMs: number | null;
  /** When `endedMs` is null: the generators still running then, or why the target could not say. */
  runningAfterEnd: string | null;
}

/** H: memory per waiting stream at `streams` concurrent streams, then throughput at each point. */
export interface ProcedureResult {
  kind: 'procedure';
  /** Streams open in the memory phase. */
  streams: number;
  /** Events each stream produced before it waited at the gate, while memory was read. */
  primed: number;
  /** Server RSS growth per stream, every stream open and its generator waiting (see `runProcedures`). */
  rssPerStream: number;
  heapPerStream: number;
  baselineRss: number;
  /** Throughput at each number of concurrent streams, in the order measured (fewest first). */
  points: ProcedureThroughput[];
}

export type ScenarioResult =
  | FlowResult
  | LatencyResult
  | MemoryResult
  | ConnectResult
  | EmitCostResult
  | MultiplexResult
  | ProcedureResult;

/** The throughput part of a result: A and F, and the first half of G. */
export function flowOf(result: ScenarioResult): FlowResult | undefined {
  if (result.kind === 'flow') return result;
  if (result.kind === 'multiplex') return result.flow;
  return undefined;
}

/** H's throughput at `streams` concurrent streams, when it was measured there. */
export function procedurePoint(
  result: ProcedureResult | undefined,
  streams: number,
): ProcedureThroughput | undefined {
  return result?.points.find((point) => point.streams === streams);
}

/** Everything one run measured, keyed by scenario then target. */
export class Results {
  readonly byScenario = new Map<ScenarioName, Map<TargetName, ScenarioResult>>();
  readonly errors: { scenario: ScenarioName | 'setup'; target: TargetName | null; message: string }[] = [];
  readonly warnings: string[] = [];

  set(scenario: ScenarioName, target: TargetName, result: ScenarioResult): void {
    let row = this.byScenario.get(scenario);
    if (!row) {
      row = new Map();
      this.byScenario.set(scenario, row);
    }
    row.set(target, result);
  }

  get<TKind extends ScenarioResult['kind']>(
    scenario: ScenarioName,
    target: TargetName,
    kind: TKind,
  ): Extract<ScenarioResult, { kind: TKind }> | undefined {
    const result = this.byScenario.get(scenario)?.get(target);
    return result?.kind === kind ? (result as Extract<ScenarioResult, { kind: TKind }>) : undefined;
  }

  fail(scenario: ScenarioName | 'setup', target: TargetName | null, error: unknown): void {
    const message = error instanceof Error ? error.message : String(error);
    this.errors.push({ scenario, target, message });
  }
}

/** The median of a non-empty list (mean of the middle two for an even count). */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  if (sorted.length === 0) return Number.NaN;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}
