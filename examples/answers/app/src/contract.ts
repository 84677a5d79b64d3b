import { defineContract, defineStream } from '@tidings/contract';
import { z } from 'zod';

/** The example's contract: one stream, served per connection by a handler (no `emit`). */
export const answers = defineContract({
  answer: defineStream({
    path: '/answers/:id',
    description: 'A simulated model answers one question, token by token; the stream ends with the answer.',
    params: z.object({
      /** The page picks it (a UUID), so a reload asks for the same answer again. */
      id: z.string().regex(/^[0-9a-f-]{8,64}$/),
    }),
    query: z.object({ q: z.string().trim().min(1).max(500) }),
    events: {
      /** One token of the answer; its event id is `index`, so a resumed run starts after it. */
      token: z.object({ index: z.number().int().nonnegative(), text: z.string() }),
      /** The answer is complete; the stream ends right after it. */
      done: z.object({ tokens: z.number().int().nonnegative() }),
    },
  }),
});

export type Answers = typeof answers;
