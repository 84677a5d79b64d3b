import {
  depthSchema,
  haltedSchema,
  noticeSchema,
  quoteSchema,
  resumedSchema,
  symbolParams,
  tradeSchema,
} from '@acme/market-contract';
import { defineContract, defineStream } from '@tidings/contract';
import { z } from 'zod';

/**
 * The next version of the market contract, with two safe changes: trades may name their `venue`,
 * and announcements get a `maintenance` event. Clients generated from the current contract keep
 * working against a server on this one (`tidings diff` exits 0).
 */
export const market = defineContract({
  ticker: defineStream({
    path: '/ticker/:symbol',
    params: symbolParams,
    events: {
      quote: quoteSchema,
      trade: tradeSchema.extend({ venue: z.string().optional() }),
      halted: haltedSchema,
      resumed: resumedSchema,
    },
    history: 500,
  }),
  book: defineStream({
    path: '/book/:symbol',
    params: symbolParams,
    events: { depth: depthSchema },
    history: 50,
  }),
  announcements: defineStream({
    path: '/announcements',
    events: {
      notice: noticeSchema,
      maintenance: z.object({ from: z.iso.datetime(), minutes: z.number().int() }),
    },
    history: 100,
  }),
});
