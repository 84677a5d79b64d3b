import { z } from 'zod';
import { defineContract, defineStream } from '../index.ts';

/** A small contract for fingerprint and JSON Schema tests; each call builds fresh schema objects. */
export function buildSampleContract() {
  return defineContract({
    ticker: defineStream({
      path: '/ticker/:symbol',
      params: z.object({ symbol: z.string().regex(/^[A-Z]{1,5}$/) }),
      query: z.object({ depth: z.coerce.number().int().max(50).optional() }),
      events: {
        quote: z.object({ price: z.number(), at: z.string().datetime() }),
        halted: z.object({ reason: z.string() }),
      },
      history: 1000,
      description: 'Live quotes for one symbol',
    }),
    announcements: defineStream({
      path: '/announcements',
      events: { notice: z.object({ text: z.string() }) },
    }),
  });
}
