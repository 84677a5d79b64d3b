import { z } from 'zod';

/** The one stream every target serves: quotes for one symbol. */
export const SYMBOL = 'ACME';

/** The event name every target sends. */
export const EVENT_NAME = 'quote';

/** The bearer token the load generator sends (Tidings checks it in `authorize`). */
export const AUTH_TOKEN = 'bench-token';

/** The payload schema, shared by every validating target. */
export const quoteSchema = z.object({
  symbol: z.string().regex(/^[A-Z]{1,5}$/),
  seq: z.number().int().nonnegative(),
  ts: z.number().nonnegative(),
  price: z.number().positive(),
  size: z.number().int().positive(),
  venue: z.enum(['XNAS', 'XNYS', 'BATS']),
});

/** The params schema of the stream (`/ticker/:symbol`). */
export const tickerParamsSchema = z.object({ symbol: z.string().regex(/^[A-Z]{1,5}$/) });

/** One event's payload. */
export type Quote = z.infer<typeof quoteSchema>;

/** The bytes the load generator searches for: one per event, followed by the send timestamp. */
export const TS_MARKER = '"ts":';

/**
 * Milliseconds on the monotonic clock (`CLOCK_MONOTONIC`), which every process on the machine
 * shares, so a timestamp written by a server can be compared with one read by the load generator.
 */
export function monotonicMs(): number {
  const [seconds, nanos] = process.hrtime();
  return seconds * 1e3 + nanos / 1e6;
}

/** A quote for sequence number `seq`, stamped now; keys in schema order, so every target serializes it alike. */
export function makeQuote(seq: number, symbol: string = SYMBOL): Quote {
  return {
    symbol,
    seq,
    ts: monotonicMs(),
    price: 100 + (seq % 1000) / 100,
    size: 100 + (seq % 7) * 50,
    venue: 'XNAS',
  };
}
