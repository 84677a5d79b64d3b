import type { TargetName } from '../targets/registry.ts';

/**
 * The scenarios: A fan-out, B latency, C memory, D connect, E emit cost, F one event per
 * callback, G many subscriptions per client (multiplexed or not), H streams served per
 * connection (procedures).
 */
export type ScenarioName = 'A' | 'B' | 'C' | 'D' | 'E' | 'F' | 'G' | 'H';

export const SCENARIO_NAMES: readonly ScenarioName[] = ['A', 'B', 'C', 'D', 'E', 'F', 'G', 'H'];

export const SCENARIO_TITLES: Record<ScenarioName, string> = {
  A: 'A. Fan-out throughput (16 events per loop turn)',
  B: 'B. Delivery latency at a fixed rate',
  C: 'C. Server memory per idle connection',
  D: 'D. Connect rate',
  E: 'E. Validated emits per second, no clients',
  F: 'F. One event per callback (what write coalescing buys)',
  G: 'G. Many subscriptions per client: 10 topics over one multiplexed connection vs ten connections',
  H: 'H. Procedures: a generator per connection, each streaming as fast as its client reads',
};

/** Which targets run which scenario. */
export const SCENARIO_TARGETS: Record<ScenarioName, readonly TargetName[]> = {
  A: ['raw', 'raw-each', 'tidings', 'tidings-metrics', 'tidings-redis', 'trpc', 'better-sse'],
  B: ['raw', 'tidings', 'tidings-redis', 'trpc', 'better-sse'],
  C: ['raw', 'tidings', 'tidings-redis', 'trpc', 'better-sse'],
  D: ['raw', 'tidings', 'tidings-redis', 'trpc', 'better-sse'],
  E: ['tidings'],
  F: ['raw-each', 'tidings'],
  G: ['tidings-mux', 'tidings-10'],
  H: ['raw-proc', 'tidings-proc', 'trpc-proc'],
};

/** A flow-controlled throughput measurement (A, F and the first half of G). */
export interface FlowConfig {
  clients: number;
  perTurn: number;
  /** Events a target may run ahead of the slowest-on-average client (the credit window). */
  window: number;
  warmupMs: number;
  windowMs: number;
  repeats: number;
  drainTimeoutMs: number;
}

/** Sizes and durations of one run. */
export interface BenchConfig {
  quick: boolean;
  /** Listen backlog for every target. */
  backlog: number;
  /** Connections opened at once by the load generator. */
  connectConcurrency: number;
  flow: FlowConfig;
  latency: {
    clients: number;
    perSecond: number;
    warmupMs: number;
    measureMs: number;
    drainTimeoutMs: number;
  };
  /** `freshProcess`: measure C in new server processes (a clean baseline); the quick run reuses the others. */
  memory: { connections: number; settleMs: number; freshProcess: boolean };
  /** `warmups` rounds first, not timed: the first connects of a process run cold (2–3× slower). */
  connect: { clients: number; repeats: number; warmups: number };
  emitCost: { roundMs: number; rounds: number };
  /**
   * G: `clients` clients, each subscribed to every topic, as in A (flow control counts a
   * client's events over all its connections); then, first in the fresh process, server RSS
   * with `memoryClients` idle clients, per subscription.
   */
  multiplex: FlowConfig & { memoryClients: number; settleMs: number };
  procedures: ProceduresConfig;
}

/** H: clients each served by its own generator on the server (see `runProcedures`). */
export interface ProceduresConfig {
  /** Concurrent streams in the memory phase, one client (one connection) each. */
  streams: number;
  /**
   * Throughput is measured at each of these numbers of concurrent streams, in this order, fewest
   * first: a target that the larger point overwhelms (tRPC at 1,000) may answer nothing afterwards.
   * The throughput criterion is judged at the fewest.
   */
  throughputStreams: readonly number[];
  /** Streams opened, run and closed before the memory baseline (warms the code paths up). */
  warmupStreams: number;
  /** Events each warm-up stream produces. */
  warmupEvents: number;
  /** Events each stream produces before it waits at the gate, in the memory phase. */
  primed: number;
  /** Pause before each memory reading. */
  settleMs: number;
  /** Streaming before the first window. */
  warmupMs: number;
  windowMs: number;
  repeats: number;
}

export function benchConfig(quick: boolean): BenchConfig {
  if (quick) {
    return {
      quick,
      backlog: 4096,
      connectConcurrency: 64,
      flow: {
        clients: 20,
        perTurn: 16,
        window: 32,
        warmupMs: 200,
        windowMs: 300,
        repeats: 3,
        drainTimeoutMs: 10_000,
      },
      latency: { clients: 20, perSecond: 100, warmupMs: 200, measureMs: 600, drainTimeoutMs: 5_000 },
      memory: { connections: 200, settleMs: 100, freshProcess: false },
      connect: { clients: 100, repeats: 1, warmups: 0 },
      emitCost: { roundMs: 100, rounds: 3 },
      multiplex: {
        clients: 20,
        perTurn: 16,
        window: 32,
        warmupMs: 200,
        windowMs: 300,
        repeats: 3,
        drainTimeoutMs: 10_000,
        memoryClients: 20,
        settleMs: 100,
      },
      procedures: {
        streams: 100,
        throughputStreams: [10, 100],
        warmupStreams: 20,
        warmupEvents: 200,
        primed: 16,
        settleMs: 100,
        warmupMs: 200,
        windowMs: 300,
        repeats: 3,
      },
    };
  }
  return {
    quick,
    backlog: 4096,
    connectConcurrency: 128,
    flow: {
      clients: 1000,
      perTurn: 16,
      window: 32,
      warmupMs: 2_000,
      windowMs: 4_000,
      repeats: 3,
      drainTimeoutMs: 5_000,
    },
    latency: { clients: 1000, perSecond: 100, warmupMs: 2_000, measureMs: 10_000, drainTimeoutMs: 5_000 },
    memory: { connections: 10_000, settleMs: 1_000, freshProcess: true },
    connect: { clients: 2000, repeats: 5, warmups: 1 },
    emitCost: { roundMs: 1_000, rounds: 5 },
    // 1,000 clients × 10 topics: the separate variant holds 10,000 sockets in the server and as
    // many in the load generator, half the machine's per-process open-files limit (20,000).
    multiplex: {
      clients: 1000,
      perTurn: 16,
      window: 32,
      warmupMs: 2_000,
      windowMs: 4_000,
      repeats: 3,
      drainTimeoutMs: 5_000,
      memoryClients: 1000,
      settleMs: 1_000,
    },
    // Memory at 1,000 concurrent answers, each its own generator, and throughput at 100 and at
    // 1,000 (tRPC delivers nothing at 1,000): 20–45 s per target, about 80 s for the three.
    procedures: {
      streams: 1000,
      throughputStreams: [100, 1000],
      warmupStreams: 100,
      warmupEvents: 500,
      primed: 16,
      settleMs: 1_000,
      warmupMs: 1_500,
      windowMs: 2_000,
      repeats: 3,
    },
  };
}
