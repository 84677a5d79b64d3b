/** The heartbeat ticks seen in a window: how many, and their wall-clock and CPU time. */
export interface TickSummary {
  count: number;
  /** Wall-clock time of the longest tick, first slice to last, ms. */
  maxMs: number;
  /** Mean wall-clock time of a tick, first slice to last, ms. */
  meanMs: number;
  /** Mean CPU time (user + system) of a tick, its slices together, ms. */
  meanCpuMs: number;
  /** The longest one slice ran (how long a tick blocked the event loop at once), ms. */
  longestSliceMs: number;
  /** Slices per tick, on average (1: the tick runs in one go). */
  meanSlices: number;
}

/** One tick's figures, as `TickStats.record` takes them. */
export interface TickRecord {
  wallMs: number;
  cpuMs: number;
  longestSliceMs: number;
  slices: number;
}

/** Adds up tick durations; `reset` starts a new window. */
export class TickStats {
  private count = 0;
  private totalMs = 0;
  private totalCpuMs = 0;
  private maxMs = 0;
  private longestSliceMs = 0;
  private slices = 0;

  record(tick: TickRecord): void {
    this.count++;
    this.totalMs += tick.wallMs;
    this.totalCpuMs += tick.cpuMs;
    this.slices += tick.slices;
    if (tick.wallMs > this.maxMs) this.maxMs = tick.wallMs;
    if (tick.longestSliceMs > this.longestSliceMs) this.longestSliceMs = tick.longestSliceMs;
  }

  reset(): void {
    this.count = 0;
    this.totalMs = 0;
    this.totalCpuMs = 0;
    this.maxMs = 0;
    this.longestSliceMs = 0;
    this.slices = 0;
  }

  summary(): TickSummary {
    const n = this.count;
    return {
      count: n,
      maxMs: this.maxMs,
      meanMs: n === 0 ? Number.NaN : this.totalMs / n,
      meanCpuMs: n === 0 ? Number.NaN : this.totalCpuMs / n,
      longestSliceMs: this.longestSliceMs,
      meanSlices: n === 0 ? Number.NaN : this.slices / n,
    };
  }
}

function cpuNowMs(): number {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) / 1000;
}

/** A tick in progress: its slices so far and those it has scheduled and not yet run. */
class TickRun {
  readonly startedAt = performance.now();
  cpuMs = 0;
  longestSliceMs = 0;
  slices = 0;
  pending = 1;
}

/**
 * Times every tick of a `setInterval` with exactly `intervalMs` started from now on, into
 * `stats`: the scale server's way to time the hub's heartbeat from outside (the hub runs one such
 * timer for all its connections, see `heartbeat.ts`). A tick is its timer callback and every
 * `setImmediate` callback it schedules, transitively (the slices of a tick that yields between
 * slices), each with the next-tick work it queues (`res.write` corks and writes on the next
 * tick). Replaces `globalThis.setInterval` and `globalThis.setImmediate`, so call it before the
 * server starts; no other timer of the process may use the same interval.
 */
export function timeIntervals(intervalMs: number, stats: TickStats): void {
  const originalInterval = globalThis.setInterval;
  const originalImmediate = globalThis.setImmediate;
  let current: TickRun | undefined;

  const slice = <TArgs extends unknown[]>(run: TickRun, callback: (...args: TArgs) => void, args: TArgs) => {
    const wall = performance.now();
    const cpu = cpuNowMs();
    const outer = current;
    current = run;
    try {
      callback(...args);
    } finally {
      current = outer;
      process.nextTick(() => {
        const wallMs = performance.now() - wall;
        run.cpuMs += cpuNowMs() - cpu;
        run.slices++;
        if (wallMs > run.longestSliceMs) run.longestSliceMs = wallMs;
        if (--run.pending > 0) return;
        stats.record({
          wallMs: performance.now() - run.startedAt,
          cpuMs: run.cpuMs,
          longestSliceMs: run.longestSliceMs,
          slices: run.slices,
        });
      });
    }
  };

  globalThis.setInterval = ((callback: (...args: unknown[]) => void, ms?: number, ...args: unknown[]) => {
    if (ms !== intervalMs) return originalInterval(callback, ms, ...args);
    return originalInterval(
      (...callArgs: unknown[]) => slice(new TickRun(), callback, callArgs),
      ms,
      ...args,
    );
  }) as typeof setInterval;

  globalThis.setImmediate = ((callback: (...args: unknown[]) => void, ...args: unknown[]) => {
    const run = current;
    if (run === undefined) return originalImmediate(callback, ...args);
    run.pending++;
    return originalImmediate((...callArgs: unknown[]) => slice(run, callback, callArgs), ...args);
  }) as typeof setImmediate;
}
