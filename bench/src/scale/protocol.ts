import type { Endpoint } from '../shared/protocol.ts';
import type { TickSummary } from './tick-stats.ts';

/**
 * A scale server process: `raw` (`node:http` with its own heartbeat timer), `tidings` (a hub
 * and the Fastify plugin, memory broker or Redis) or `emitter` (a hub on Redis that only emits,
 * the worker process DESIGN §2 describes).
 */
export type ScaleServerKind = 'raw' | 'tidings' | 'emitter';

/** What a scale server is started with (JSON on its command line). */
export interface ScaleServerOptions {
  kind: ScaleServerKind;
  /** Interval of the heartbeat comment on every stream, ms. */
  heartbeatMs: number;
  /** Topics served (or emitted to): `topicSymbol(0 … topics - 1)` of the ticker stream. */
  topics: number;
  backlog: number;
  /** Redis, for `tidings` on Redis and for `emitter`. */
  redisUrl?: string | undefined;
  keyPrefix?: string | undefined;
}

/** Event-loop delay over a window (`monitorEventLoopDelay`, 10 ms resolution), ms. */
export interface LoopDelay {
  p50: number;
  p99: number;
  max: number;
}

export interface ScaleStats {
  /** Streams registered on the served topics (0 for the emitter). */
  subscribers: number;
  rssBytes: number;
  /** Proportional set size (see `pssFromRollup`); NaN where /proc cannot say. */
  pssBytes: number;
  heapUsedBytes: number;
  cpuMs: number;
  /** The heartbeat ticks since the last `resetWindow`. */
  ticks: TickSummary;
  loop: LoopDelay;
  /** Emitter: events emitted, emits that failed, and whether every round has been emitted. */
  emitted: number;
  errors: number;
  firstError: string | null;
  done: boolean;
}

export interface ScaleServerCommands {
  stats: { args: { gc: boolean }; result: ScaleStats };
  /** Starts a new window for the tick and event-loop figures. */
  resetWindow: { args: null; result: null };
  /**
   * Emitter: `rounds` rounds, one event on every topic each, a round every `roundMs` with its
   * events spread evenly over it; resolves at once.
   */
  emit: { args: { rounds: number; roundMs: number }; result: null };
}

/** What a scale server announces once it is ready (`endpoint` is null for the emitter). */
export interface ScaleReady {
  endpoint: Endpoint | null;
  pid: number;
}
