import type { TargetName } from '../targets/registry.ts';

/** The scenarios: A fan-out, B latency, C memory, D connect, E emit cost, F one event per callback. */
export type ScenarioName = 'A' | 'B' | 'C' | 'D' | 'E' | 'F';

export const SCENARIO_NAMES: readonly ScenarioName[] = ['A', 'B', 'C', 'D', 'E', 'F'];

export const SCENARIO_TITLES: Record<ScenarioName, string> = {
  A: 'A. Fan-out throughput (16 events per loop turn)',
  B: 'B. Delivery latency at a fixed rate',
  C: 'C. Server memory per idle connection',
  D: 'D. Connect rate',
  E: 'E. Validated emits per second, no clients',
  F: 'F. One event per callback (what write coalescing buys)',
};

/** Which targets run which scenario. */
export const SCENARIO_TARGETS: Record<ScenarioName, readonly TargetName[]> = {
  A: ['raw', 'raw-each', 'tidings', 'tidings-redis', 'trpc', 'better-sse'],
  B: ['raw', 'tidings', 'tidings-redis', 'trpc', 'better-sse'],
  C: ['raw', 'tidings', 'tidings-redis', 'trpc', 'better-sse'],
  D: ['raw', 'tidings', 'tidings-redis', 'trpc', 'better-sse'],
  E: ['tidings'],
  F: ['raw-each', 'tidings'],
};

/** Sizes and durations of one run. */
export interface BenchConfig {
  quick: boolean;
  /** Listen backlog for every target. */
  backlog: number;
  /** Connections opened at once by the load generator. */
  connectConcurrency: number;
  flow: {
    clients: number;
    perTurn: number;
    /** Events a target may run ahead of the slowest-on-average client (the credit window). */
    window: number;
    warmupMs: number;
    windowMs: number;
    repeats: number;
    drainTimeoutMs: number;
  };
  latency: {
    clients: number;
    perSecond: number;
    warmupMs: number;
    measureMs: number;
    drainTimeoutMs: number;
  };
  /** `freshProcess`: measure C in new server processes (a clean baseline); the quick run reuses the others. */
  memory: { connections: number; settleMs: number; freshProcess: boolean };
  connect: { clients: number; repeats: number };
  emitCost: { roundMs: number; rounds: number };
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
      connect: { clients: 100, repeats: 1 },
      emitCost: { roundMs: 100, rounds: 3 },
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
    connect: { clients: 2000, repeats: 3 },
    emitCost: { roundMs: 1_000, rounds: 5 },
  };
}
