/** The three parts of the scale run (issue 19). */
export type ScalePart = 'idle' | 'flat' | 'many';

export const SCALE_PARTS: readonly ScalePart[] = ['idle', 'flat', 'many'];

/** Servers of the flat-cost part: the `raw` and `tidings` targets of scenario A. */
export type FlatTarget = 'raw' | 'tidings';

/** Sizes and durations of one scale run. */
export interface ScaleConfig {
  quick: boolean;
  /** Listen backlog of every server (the machine's somaxconn caps it). */
  backlog: number;
  /** Connections each load generator opens at once. */
  concurrency: number;
  /**
   * One process, as many idle streams as its open-files limit allows, heartbeats on: RSS per
   * stream, and the heartbeat tick's cost and the event-loop delay over `windowMs`.
   */
  idle: {
    connections: number;
    loadgens: number;
    heartbeatMs: number;
    /** Pause before each memory reading. */
    settleMs: number;
    windowMs: number;
    kinds: readonly ('raw' | 'tidings')[];
  };
  /** Events per server CPU-second at each client count, as scenario A, each size in a fresh process. */
  flat: {
    clients: readonly number[];
    loadgens: number;
    targets: readonly FlatTarget[];
    perTurn: number;
    window: number;
    warmupMs: number;
    windowMs: number;
    repeats: number;
    drainTimeoutMs: number;
  };
  /**
   * `connections` streams over `instances` Tidings processes on one Redis, `topics` topics, one
   * event per topic every `roundMs` for `rounds` rounds from an emitter process, heartbeats on.
   */
  many: {
    connections: number;
    instances: number;
    loadgens: number;
    topics: number;
    rounds: number;
    roundMs: number;
    heartbeatMs: number;
    /** How often server memory is sampled during the run. */
    sampleMs: number;
    drainTimeoutMs: number;
  };
}

export function scaleConfig(quick: boolean): ScaleConfig {
  if (quick) {
    return {
      quick,
      backlog: 4096,
      concurrency: 64,
      idle: {
        connections: 600,
        loadgens: 2,
        heartbeatMs: 500,
        settleMs: 100,
        windowMs: 2_000,
        kinds: ['raw', 'tidings'],
      },
      flat: {
        clients: [100, 300, 600],
        loadgens: 3,
        targets: ['raw', 'tidings'],
        perTurn: 16,
        window: 32,
        warmupMs: 200,
        windowMs: 300,
        repeats: 3,
        drainTimeoutMs: 10_000,
      },
      many: {
        connections: 3_000,
        instances: 6,
        loadgens: 3,
        topics: 100,
        rounds: 5,
        roundMs: 1_000,
        heartbeatMs: 1_000,
        sampleMs: 1_000,
        drainTimeoutMs: 10_000,
      },
    };
  }
  return {
    quick,
    backlog: 4096,
    concurrency: 128,
    // 19,000 streams in one server process (open-files hard limit 20,000), over two load
    // generators; a 1 s heartbeat so the window holds many ticks (a tick costs the same at 15 s).
    idle: {
      connections: 19_000,
      loadgens: 2,
      heartbeatMs: 1_000,
      settleMs: 1_000,
      windowMs: 15_000,
      kinds: ['raw', 'tidings'],
    },
    flat: {
      clients: [1_000, 5_000, 15_000],
      loadgens: 3,
      targets: ['raw', 'tidings'],
      perTurn: 16,
      window: 32,
      warmupMs: 2_000,
      windowMs: 3_000,
      repeats: 3,
      drainTimeoutMs: 10_000,
    },
    // 100,000 streams: six instances of about 16,700 and six load generators as many, under the
    // 20,000 open files of a process; the default 15 s heartbeat.
    many: {
      connections: 100_000,
      instances: 6,
      loadgens: 6,
      topics: 1_000,
      rounds: 60,
      roundMs: 1_000,
      heartbeatMs: 15_000,
      sampleMs: 2_000,
      drainTimeoutMs: 15_000,
    },
  };
}
