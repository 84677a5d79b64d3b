import { defineContract, defineStream } from '@tidings/contract';
import { z } from 'zod';

/** The contract the end-to-end tests serve. */
export const market = defineContract({
  ticker: defineStream({
    path: '/ticker/:symbol',
    params: z.object({ symbol: z.string().regex(/^[A-Z]{1,5}$/) }),
    events: {
      quote: z.object({ n: z.number().int(), price: z.number() }),
      halted: z.object({ reason: z.string() }),
    },
    history: 1000,
  }),
  announcements: defineStream({
    path: '/announcements',
    events: { notice: z.object({ text: z.string() }) },
  }),
});
