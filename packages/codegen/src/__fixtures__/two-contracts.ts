/** A module with two contracts and a schema: `--export` must pick one. */
import { defineContract, defineStream } from '@tidings/contract';
import { z } from 'zod';

export const quoteSchema = z.object({ price: z.number() });

export const market = defineContract({
  ticker: defineStream({ path: '/ticker/:symbol', events: { quote: quoteSchema } }),
});

export const admin = defineContract({
  audit: defineStream({ path: '/audit', events: { entry: z.object({ who: z.string() }) } }),
});
