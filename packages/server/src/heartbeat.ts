/**
 * Connections a heartbeat tick writes to before it lets the event loop turn: a tick over 19,000
 * connections in one go blocked the loop for 300–600 ms (every write is a syscall), delaying
 * every event emitted meanwhile; in slices it blocks for a few milliseconds at a time.
 */
export const HEARTBEAT_SLICE = 1_000;

/**
 * One timer for every connection of a hub (never one per connection), running only while there
 * are connections. A tick beats the connections in slices of `slice`, one slice per event-loop
 * turn; connections that close meanwhile are skipped, and a tick still running when the next is
 * due lets that one pass.
 */
export class Heartbeat<TConnection> {
  private timer: ReturnType<typeof setInterval> | undefined;
  /** The connections left in the running tick, or undefined between ticks. */
  private rest: Iterator<TConnection> | undefined;

  constructor(
    private readonly intervalMs: number,
    private readonly connections: ReadonlySet<TConnection>,
    private readonly beat: (connection: TConnection) => void,
    private readonly slice = HEARTBEAT_SLICE,
  ) {}

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
    this.next();
  };

  private readonly next = (): void => {
    const rest = this.rest;
    if (rest === undefined) return;
    for (let i = 0; i < this.slice; i++) {
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
