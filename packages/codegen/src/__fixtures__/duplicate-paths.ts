/** A contract that type-checks but that defineContract refuses when the module is imported. */
import { defineContract, defineStream } from '@tidings/contract';
import { z } from 'zod';

export const clash = defineContract({
  bySymbol: defineStream({ path: '/ticker/:symbol', events: { quote: z.object({ price: z.number() }) } }),
  byVenue: defineStream({ path: '/ticker/:venue', events: { quote: z.object({ price: z.number() }) } }),
});
