/** What decides the delay before a reconnect. */
export interface BackoffInput {
  /** Consecutive connections that failed or delivered no event (0 for the first reconnect after one that did). */
  readonly attempt: number;
  readonly initialDelayMs: number;
  readonly maxDelayMs: number;
  /** The server's `retry:`, if it sent one. */
  readonly serverRetryMs?: number | undefined;
  /** The server ended the stream in good order (a planned drain), rather than the connection dropping. */
  readonly clean?: boolean | undefined;
  /** The server's `retry-after`, if the last response had one. */
  readonly retryAfterMs?: number | undefined;
  /** A number in [0, 1). @default Math.random */
  readonly random?: (() => number) | undefined;
}

/**
 * The delay before the next reconnect. After a clean end of a stream that delivered events, the
 * server's `retry:` as given (on a drain the server spreads it itself); otherwise exponential
 * backoff with full jitter: a uniform delay in [0, min(cap, base × 2^attempt)), base being the
 * server's `retry:` or `initialDelayMs` (also when `retry:` is 0, so a retry: 0 cannot keep it at 0
 * past the first reconnect). `retry-after` is a floor.
 */
export function backoffDelay(input: BackoffInput): number {
  const { attempt, serverRetryMs: retry } = input;
  const random = input.random ?? Math.random;
  const base = attempt === 0 ? (retry ?? input.initialDelayMs) : retry || input.initialDelayMs;
  const delay =
    attempt === 0 && input.clean && retry !== undefined
      ? retry
      : random() * Math.min(input.maxDelayMs, base * 2 ** Math.min(attempt, 52));
  return Math.max(delay, input.retryAfterMs ?? 0);
}
