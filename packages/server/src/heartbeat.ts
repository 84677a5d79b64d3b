/**
 * Connections a heartbeat tick writes to before it lets the event loop turn: a tick over 19,000
 * connections in one go blocked the loop for 300–600 ms (every write is a syscall), delaying
 * every event emitted meanwhile; in slices it blocks for a few milliseconds at a time.
 */
export const HEARTBEAT_SLICE = 1_000;

/** How a heartbeat slices its ticks (tests pass a clock of their own). */
export interface HeartbeatOptions {
  /** Connections per slice. @default HEARTBEAT_SLICE */
  slice?: number | undefined;
  /** Milliseconds on a monotonic clock. @default performance.now */
  now?: (() => number) | undefined;
}

/**
 * One timer for every connection of a hub (never one per connection), running only while there
 * are connections. A tick beats the connections in slices, one slice per event-loop turn;
 * connections that close meanwhile are skipped, and a tick still running when the next is due
 * lets that one pass. A tick still running half an interval after it started (an event loop so
 * busy that each turn takes long) beats the rest in one go, so no connection goes silent for much
 * longer than an interval.
 */
export class Heartbeat<TConnection> {
  private timer: ReturnType<typeof setInterval> | undefined;
  /** The connections left in the running tick, or undefined between ticks. */
  private rest: Iterator<TConnection> | undefined;
  /** When the running tick stops slicing. */
  private deadline = 0;
  private readonly slice: number;
  private readonly now: () => number;

  constructor(
    private readonly intervalMs: number,
    private readonly connections: ReadonlySet<TConnection>,
    private readonly beat: (connection: TConnection) => void,
    options: HeartbeatOptions = {},
  ) {
    this.slice = options.slice ?? HEARTBEAT_SLICE;
    this.now = options.now ?? (() => performance.now());
  }

  /** Starts the timer unless it runs. */
  start(): void {
    if (this.timer !== undefined) return;
    this.timer = setInterval(this.tick, this.intervalMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
    this.rest = undefined;
  }

  private readonly tick = (): void => {
    if (this.rest !== undefined) return;
    // A Set's iterator visits what is added and skips what is deleted while it runs.
    this.rest = this.connections.values();
    this.deadline = this.now() + this.intervalMs / 2;
    this.next();
  };

  private readonly next = (): void => {
    const rest = this.rest;
    if (rest === undefined) return;
    const count = this.now() >= this.deadline ? Number.POSITIVE_INFINITY : this.slice;
    for (let i = 0; i < count; i++) {
      const { done, value } = rest.next();
      if (done) {
        this.rest = undefined;
        return;
      }
      this.beat(value);
    }
    setImmediate(this.next);
  };
}
