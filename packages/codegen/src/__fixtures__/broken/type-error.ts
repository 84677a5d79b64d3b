/** A contract that does not type-check: the params schema's keys are not the path's params. */
import { defineContract, defineStream } from '@tidings/contract';
import { z } from 'zod';

export const broken = defineContract({
  ticker: defineStream({
    path: '/ticker/:symbol',
    params: z.object({ sym: z.string() }),
    events: { quote: z.object({ price: z.number() }) },
  }),
});
