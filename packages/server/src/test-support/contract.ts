import { defineContract, defineStream } from '@tidings/contract';
import { z } from 'zod';

/** The contract most server tests use. */
export const market = defineContract({
  ticker: defineStream({
    path: '/ticker/:symbol',
    params: z.object({ symbol: z.string().regex(/^[A-Z]{1,5}$/) }),
    events: {
      quote: z.object({ price: z.number(), at: z.string().optional() }),
      halted: z.object({ reason: z.string() }),
    },
    query: z.object({ depth: z.coerce.number().int().max(50).optional() }),
    history: 1000,
  }),
  announcements: defineStream({
    path: '/announcements',
    events: { notice: z.object({ text: z.string(), level: z.enum(['info', 'warn']).default('info') }) },
  }),
  room: defineStream({
    path: '/rooms/:room',
    events: { say: z.object({ text: z.string() }) },
    history: 5,
  }),
});
