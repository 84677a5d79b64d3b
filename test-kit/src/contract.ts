import { defineContract, defineStream } from '@tidings/contract';
import { z } from 'zod';

/**
 * The contract the repo's tests serve and subscribe to: a stream with params, a query and two events
 * (`ticker`), one without params (`announcements`, history 3 so a gap is easy to provoke) and a room
 * with a short history (`room`, 5).
 */
export const market = defineContract({
  ticker: defineStream({
    path: '/ticker/:symbol',
    params: z.object({ symbol: z.string().regex(/^[A-Z]{1,5}$/) }),
    events: {
      // `n` first: the payload is written in schema order, and load tests read `data: {"n":…`.
      quote: z.object({ n: z.number().int().optional(), price: z.number(), at: z.string().optional() }),
      halted: z.object({ reason: z.string() }),
    },
    query: z.object({ depth: z.coerce.number().int().max(50).optional() }),
    history: 1000,
  }),
  announcements: defineStream({
    path: '/announcements',
    events: { notice: z.object({ text: z.string(), level: z.enum(['info', 'warn']).default('info') }) },
    history: 3,
  }),
  room: defineStream({
    path: '/rooms/:room',
    events: { say: z.object({ text: z.string() }) },
    history: 5,
  }),
});
