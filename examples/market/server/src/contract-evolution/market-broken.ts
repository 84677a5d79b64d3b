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
 * A version of the market contract with a breaking change: a quote's `price` became an amount with
 * a currency. A client generated from the current contract reads `price` as a number, so a server on
 * this one refuses it (409) and the client asks the user to reload (`tidings diff` exits 1).
 */
export const market = defineContract({
  ticker: defineStream({
    path: '/ticker/:symbol',
    params: symbolParams,
    events: {
      quote: quoteSchema.extend({ price: z.object({ amount: z.number(), currency: z.string() }) }),
      trade: tradeSchema,
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
  announcements: defineStream({ path: '/announcements', events: { notice: noticeSchema }, history: 100 }),
});
