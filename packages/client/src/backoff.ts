/** What decides the delay before a reconnect. */
export interface BackoffInput {
  /** Consecutive failed attempts since the stream was last open (0 for the first reconnect). */
  readonly attempt: number;
  readonly initialDelayMs: number;
  readonly maxDelayMs: number;
  /** The server's `retry:`, if it sent one. */
  readonly serverRetryMs?: number | undefined;
  /** The server's `retry-after`, if the last response had one. */
  readonly retryAfterMs?: number | undefined;
  /** A number in [0, 1). @default Math.random */
  readonly random?: (() => number) | undefined;
}

/**
 * The delay before the next reconnect: the first reconnect after an open stream waits the server's
 * `retry:` as given (the server already spreads it), otherwise exponential backoff with full jitter
 * (a uniform delay in [0, min(cap, base × 2^attempt)), base being the server's `retry:` or
 * `initialDelayMs`); `retry-after` is a floor.
 */
export function backoffDelay(input: BackoffInput): number {
  const random = input.random ?? Math.random;
  const base = input.serverRetryMs ?? input.initialDelayMs;
  const delay =
    input.attempt === 0 && input.serverRetryMs !== undefined
      ? input.serverRetryMs
      : random() * Math.min(input.maxDelayMs, base * 2 ** Math.min(input.attempt, 52));
  return Math.max(delay, input.retryAfterMs ?? 0);
}
