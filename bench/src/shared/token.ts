import { z } from 'zod';
import { monotonicMs } from './payload.ts';

/** Scenario H's event name: one token of an answer. */
export const TOKEN_EVENT = 'token';

/** The answer every load-generator client asks for (each connection still runs its own handler). */
export const ANSWER_ID = 'bench';

/** Scenario H's params schema (`/answers/:id`, or tRPC's input). */
export const answerParamsSchema = z.object({ id: z.string().regex(/^[a-z0-9]{1,32}$/) });

/**
 * Scenario H's payload, validated by every validating target: the token's index in its stream,
 * a timestamp (the field the load generator counts events by) and the token's text.
 */
export const tokenSchema = z.object({
  i: z.number().int().nonnegative(),
  ts: z.number().nonnegative(),
  text: z.string().max(64),
});

/** One token's payload. */
export type Token = z.infer<typeof tokenSchema>;

const WORDS = [' the', ' quick', ' brown', ' fox', ' jumps', ' over', ' a', ' lazy', ' dog', '.'];

/** The `i`th token of a stream, stamped now; keys in schema order, so every target serializes it alike. */
export function makeToken(i: number): Token {
  return { i, ts: monotonicMs(), text: WORDS[i % WORDS.length]! };
}
