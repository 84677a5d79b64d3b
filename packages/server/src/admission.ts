/**
 * Connection slots: a request takes one before it is validated and authorized, so that
 * `maxConnections` also bounds the requests still on their way to becoming streams. None is
 * given while the hub drains.
 */
export class Admission {
  /** Admitted requests not yet attached to a connection (validating, authorizing). */
  private pending = 0;
  /** Set by `hub.drain()` / `app.close()`: no new streams. */
  draining = false;

  constructor(
    private readonly maxConnections: number,
    /** Connections open now. */
    private readonly open: () => number,
  ) {}

  /** Reserves a slot; false when full or draining. */
  admit(): boolean {
    if (this.draining || this.open() + this.pending >= this.maxConnections) return false;
    this.pending++;
    return true;
  }

  /** Gives a slot back: the request was refused, or it became a connection (which counts itself). */
  release(): void {
    this.pending--;
  }
}
