/** Messages between the orchestrator and its child processes (load generator, targets). */

/** A command map: each command's argument and result types. */
export type CommandMap<TCommands> = { [K in keyof TCommands]: { args: unknown; result: unknown } };

/** Parent → child: a request that expects a reply, or a notification that does not. */
export type ParentMessage =
  | { kind: 'req'; id: number; cmd: string; args: unknown }
  | { kind: 'note'; cmd: string; args: unknown };

/** Child → parent: a reply, or an event the child volunteers. */
export type ChildMessage =
  | { kind: 'res'; id: number; ok: true; value: unknown }
  | { kind: 'res'; id: number; ok: false; error: string }
  | { kind: 'event'; name: string; data: unknown };

/** Where a client connects: a port on 127.0.0.1 and the request path. */
export interface Endpoint {
  port: number;
  path: string;
}

/** What one client of a target opens, and what it holds on the server. */
export interface ClientShape {
  /** One connection per path, all to the instance's port (one for every target but scenario G's separate one). */
  paths: string[];
  /** Subscriptions the server registers for one such client (a multiplexed connection carries several). */
  subscriptions: number;
}

/** What a target process announces once it listens. */
export interface ReadyInfo {
  endpoint: Endpoint;
  client: ClientShape;
  pid: number;
}

export interface ConnectArgs {
  /**
   * What each client opens: client i opens one connection to every endpoint of
   * `clients[i % clients.length]` (one list per target instance, so clients alternate between
   * instances) and counts as one client however many connections that is.
   */
  clients: Endpoint[][];
  /** Clients to open. */
  count: number;
  /** Connections being opened at once (a bounded window, so the listen backlog never overflows). */
  concurrency: number;
  timeoutMs: number;
}

export interface ConnectResult {
  /** Clients whose every connection got a 200 and its headers. */
  connected: number;
  /** Clients with a connection that did not (their other connections are closed). */
  failed: number;
  elapsedMs: number;
  errors: string[];
}

/** The load generator's counts; a client's events are summed over its connections. */
export interface Snapshot {
  delivered: number;
  atMs: number;
  cpuMs: number;
  /** Clients whose every connection is open. */
  open: number;
  minPerClient: number;
  maxPerClient: number;
  /** Connections that closed without the load generator closing them. */
  unexpectedCloses: number;
}

export interface LatencyReport {
  count: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
  mean: number;
}

export interface LoadgenCommands {
  connect: { args: ConnectArgs; result: ConnectResult };
  progress: { args: { intervalMs: number }; result: null };
  snapshot: { args: null; result: Snapshot };
  /** Reports the latency samples so far; `reset` starts a fresh window (and turns sampling on). */
  latency: { args: { reset: boolean }; result: LatencyReport };
  /** Turns latency sampling off. */
  sampleOff: { args: null; result: null };
  disconnect: { args: null; result: { closed: number } };
}

/** How the emitter hands events to a target: all of a turn's events in one call, or each from its own callback. */
export type EmitStyle = 'batch' | 'spread';

/** What a target's OpenTelemetry metric reader has exported since the process started. */
export interface MetricsExported {
  /** Exports (one per collection: every callback ran, every histogram was read). */
  exports: number;
  /** Data points in those exports. */
  dataPoints: number;
}

export interface TargetStats {
  subscribers: number;
  rssBytes: number;
  heapUsedBytes: number;
  cpuMs: number;
  /** Time the emitter spent waiting for credit (the clients were behind), cumulative. */
  waitMs: number;
  /** Emits that failed (rejected or threw), with the first message. */
  errors: number;
  firstError: string | null;
  /** Targets with an OpenTelemetry SDK (`tidings-metrics`): what its reader exported; null for the others. */
  metrics: MetricsExported | null;
}

export interface EmitCostResult {
  /** Bare validate + stringify + frame loop, events/s, one figure per round. */
  bare: number[];
  /** `emit` with no clients, events/s, one figure per round. */
  emit: number[];
}

export interface TargetCommands {
  /** Starts emitting under flow control; resolves to the events emitted before (credits count from there). */
  flow: { args: { perTurn: number; style: EmitStyle; window: number }; result: { emitted: number } };
  credit: { args: { limit: number }; result: null };
  /** Starts emitting at a fixed rate; resolves to the events emitted before. */
  rate: { args: { perSecond: number }; result: { emitted: number } };
  stop: { args: null; result: { emitted: number } };
  stats: { args: { gc: boolean }; result: TargetStats };
  emitCost: { args: { roundMs: number; rounds: number }; result: EmitCostResult };
  /**
   * Scenario H: how many events each per-connection stream may produce before it waits (`null`:
   * no limit, every stream runs as fast as its connection takes events).
   */
  gate: { args: { limit: number | null }; result: null };
}
