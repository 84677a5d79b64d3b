/**
 * One timer for every connection of a hub (never one per connection), running only while there
 * are connections.
 */
export class Heartbeat {
  private timer: ReturnType<typeof setInterval> | undefined;

  constructor(
    private readonly intervalMs: number,
    private readonly beat: () => void,
  ) {}

  /** Starts the timer unless it runs. */
  start(): void {
    if (this.timer !== undefined) return;
    this.timer = setInterval(this.beat, this.intervalMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }
}
