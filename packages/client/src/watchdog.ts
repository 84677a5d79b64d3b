/** A timer that fires when `reset()` has not been called for `timeoutMs`. */
export interface Watchdog {
  /** Marks activity; cheap enough to call on every chunk. */
  reset(): void;
  stop(): void;
  /** True once it fired. */
  readonly expired: boolean;
}

const MAX_TIMER_MS = 2_147_483_647;

/** Starts a watchdog; it re-arms lazily (one timer, no clearTimeout per chunk). */
export function createWatchdog(requestedMs: number, onExpire: () => void): Watchdog {
  // Timers take at most 2^31 - 1 ms; a longer delay would fire at once, in a loop.
  const timeoutMs = Math.min(requestedMs, MAX_TIMER_MS);
  let last = Date.now();
  let expired = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const arm = (delay: number) => {
    timer = setTimeout(check, delay);
  };
  const check = () => {
    const idle = Date.now() - last;
    if (idle < timeoutMs) return arm(timeoutMs - idle);
    expired = true;
    timer = undefined;
    onExpire();
  };
  arm(timeoutMs);
  return {
    reset() {
      last = Date.now();
    },
    stop() {
      clearTimeout(timer);
      timer = undefined;
    },
    get expired() {
      return expired;
    },
  };
}
