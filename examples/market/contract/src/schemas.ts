import { z } from 'zod';

/** A ticker symbol: one to five capital letters. */
export const symbolSchema = z
  .string()
  .regex(/^[A-Z]{1,5}$/, 'expected a ticker symbol: 1 to 5 capital letters');

/** Path params of the per-symbol streams. */
export const symbolParams = z.object({ symbol: symbolSchema });

const timestamp = z.iso.datetime();
const price = z.number().positive();

/** A new best bid/ask and last price for one symbol. */
export const quoteSchema = z.object({
  price,
  bid: price,
  ask: price,
  /** Change since the session opened, in currency units. */
  change: z.number(),
  /** Change since the session opened, in percent. */
  changePct: z.number(),
  volume: z.number().int().nonnegative(),
  at: timestamp,
});

/** One trade printed on the tape. */
export const tradeSchema = z.object({
  price,
  size: z.number().int().positive(),
  side: z.enum(['buy', 'sell']),
  at: timestamp,
});

/** Trading in the symbol stopped. */
export const haltedSchema = z.object({
  reason: z.string().min(1),
  at: timestamp,
});

/** Trading in the symbol restarted. */
export const resumedSchema = z.object({
  price,
  at: timestamp,
});

/** One price level of the order book. */
export const bookLevelSchema = z.object({ price, size: z.number().int().positive() });

/** The top of the order book for one symbol. */
export const depthSchema = z.object({
  bids: z.array(bookLevelSchema).max(20),
  asks: z.array(bookLevelSchema).max(20),
  at: timestamp,
});

/** A market-wide announcement; `severity` and `symbols` may be left out when emitting. */
export const noticeSchema = z.object({
  text: z.string().min(1).max(280),
  severity: z.enum(['info', 'warning', 'critical']).default('info'),
  symbols: z.array(symbolSchema).default([]),
  at: timestamp,
});

/** A quote as subscribers receive it. */
export type Quote = z.output<typeof quoteSchema>;
/** A trade as subscribers receive it. */
export type Trade = z.output<typeof tradeSchema>;
/** A book level as subscribers receive it. */
export type BookLevel = z.output<typeof bookLevelSchema>;
/** An announcement as subscribers receive it. */
export type Notice = z.output<typeof noticeSchema>;
