import type { LatencyReport } from '../shared/protocol.ts';
import type { FlatTarget, ScalePart } from './config.ts';
import type { LoopDelay } from './protocol.ts';
import type { TickSummary } from './tick-stats.ts';

/** One process holding `connections` idle streams, heartbeats on. */
export interface IdleResult {
  kind: 'raw' | 'tidings';
  connections: number;
  heartbeatMs: number;
  /** RSS after a warm-up and a full GC, before the streams. */
  baselineRss: number;
  /** RSS growth per stream after a full GC, right after they opened. */
  rssPerConnection: number;
  heapPerConnection: number;
  /** The same at the end of the window, after its heartbeat ticks. */
  rssPerConnectionAfter: number;
  /** The heartbeat ticks over the window. */
  ticks: TickSummary;
  /** Event-loop delay over the window. */
  loop: LoopDelay;
  /** Server CPU over the window, percent of one core. */
  serverCpuPct: number;
  /** Time until every stream had its headers, ms. */
  connectMs: number;
  /** Streams still open at the end, and streams the server closed. */
  open: number;
  unexpectedCloses: number;
}

/** Scenario A's measurement at one client count, load generators spread over processes. */
export interface FlatRow {
  target: FlatTarget;
  clients: number;
  rates: number[];
  median: number;
  /** Events delivered per server CPU-second over the windows. */
  perCpuSecond: number;
  serverCpuPct: number;
  /** Every load generator process together, percent of one core. */
  loadgenCpuPct: number;
  emitterWaitPct: number;
  undelivered: number | null;
}

/** One Tidings instance of the many-process part. */
export interface InstanceFigures {
  streams: number;
  /** Highest RSS sampled during the run. */
  peakRss: number;
  /** RSS before the streams opened. */
  baselineRss: number;
  /** Longest heartbeat tick during the run, ms (none: NaN). */
  longestTickMs: number;
  /** Mean CPU time of a heartbeat tick, ms (none: NaN). */
  tickCpuMs: number;
  /** The longest a heartbeat tick held the event loop at once, ms. */
  longestSliceMs: number;
  ticks: number;
  loop: LoopDelay;
}

/** `connections` streams over several Tidings instances on one Redis, events on `topics` topics. */
export interface ManyResult {
  connections: number;
  instances: InstanceFigures[];
  loadgens: number;
  topics: number;
  rounds: number;
  roundMs: number;
  heartbeatMs: number;
  connectMs: number;
  /** Events every stream should have received (one per round on its topic). */
  expectedPerStream: number;
  delivered: number;
  /** Deliveries missing when the drain wait ended. */
  lost: number;
  minPerStream: number;
  maxPerStream: number;
  unexpectedCloses: number;
  latency: LatencyReport;
  /** Sum over the instances of each one's highest sampled RSS. */
  serverPeakRss: number;
  /** Highest sum of the instances' RSS at one sample. */
  serverPeakRssTogether: number;
  /** Highest sum of the instances' PSS at one sample (pages shared between processes counted once). */
  serverPeakPssTogether: number;
  /** Sum of the instances' RSS after a full GC, every stream still open, at the end. */
  serverRssAfterGc: number;
  emitterRss: number;
  redisRss: number;
  /** CPU over the emitting window, percent of one core. */
  serverCpuPct: number;
  emitterCpuPct: number;
  loadgenCpuPct: number;
  redisCpuPct: number;
  emitted: number;
  emitErrors: number;
  firstEmitError: string | null;
  /** Wall-clock time from the first emit until every round was emitted and settled (the CPU window), ms. */
  emitWindowMs: number;
  /** Wall-clock time from the first emit to the last delivery checked, ms. */
  elapsedMs: number;
}

/** What one scale run measured. */
export interface ScaleResults {
  idle: IdleResult[];
  flat: FlatRow[];
  many: ManyResult | undefined;
  errors: { part: ScalePart; message: string }[];
}
