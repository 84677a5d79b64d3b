/**
 * How far every per-connection stream of a scenario H target may run: a stream may produce its
 * event `i` only while `i < limit`; at the limit it waits (as a handler awaiting its upstream
 * would) until the orchestrator raises the limit or the client leaves. One gate per process,
 * shared by every stream; checking it is one comparison, waiting is the rare path.
 */
export class StreamGate {
  private current: number;
  private waiters: (() => void)[] = [];

  /** @param limit Events each stream may produce before it waits; `Infinity` lets every stream run. */
  constructor(limit: number) {
    this.current = StreamGate.check(limit);
  }

  private static check(limit: number): number {
    if (Number.isNaN(limit) || limit < 0) {
      throw new Error(`@tidings/bench: a stream gate's limit is ${limit}; expected a number ≥ 0 or Infinity`);
    }
    return limit;
  }

  /** Events each stream may produce before it waits. */
  get limit(): number {
    return this.current;
  }

  /** Moves the limit (up or down) and wakes every waiting stream to check it again. */
  set(limit: number): void {
    this.current = StreamGate.check(limit);
    const waiters = this.waiters;
    this.waiters = [];
    for (const wake of waiters) wake();
  }

  /** Streams waiting right now. */
  get waiting(): number {
    return this.waiters.length;
  }

  /**
   * Resolves to `true` once event `index` may be produced, or to `false` as soon as `signal`
   * aborts (the client left): the caller then ends its stream.
   */
  async pass(index: number, signal: AbortSignal): Promise<boolean> {
    while (index >= this.current) {
      if (signal.aborted) return false;
      await new Promise<void>((resolve) => {
        const wake = (): void => {
          signal.removeEventListener('abort', onAbort);
          resolve();
        };
        const onAbort = (): void => {
          const at = this.waiters.indexOf(wake);
          if (at !== -1) this.waiters.splice(at, 1);
          resolve();
        };
        this.waiters.push(wake);
        signal.addEventListener('abort', onAbort, { once: true });
      });
    }
    return !signal.aborted;
  }
}
