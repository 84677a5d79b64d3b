import { isTrackedEnvelope, type TrackedEnvelope, tracked } from '@trpc/server';
import { z } from 'zod';

// The output-validation helper from tRPC's subscriptions guide ("Output validation"), zod 4
// flavour, tracked envelopes only: it validates every value each subscriber's generator yields.

function isAsyncIterable(value: unknown): value is AsyncIterable<unknown> {
  return !!value && typeof value === 'object' && Symbol.asyncIterator in value;
}

const trackedEnvelopeSchema = z.custom<TrackedEnvelope<unknown>>(isTrackedEnvelope);

/** A zod schema for a subscription's async iterable of tracked values, validating each yielded value. */
export function zAsyncIterable<TYieldOut, TYieldIn>(opts: { yield: z.ZodType<TYieldOut, TYieldIn> }) {
  return z
    .custom<AsyncIterable<TrackedEnvelope<TYieldIn>>>((value) => isAsyncIterable(value))
    .transform(async function* (iterable) {
      const iterator = iterable[Symbol.asyncIterator]();
      try {
        let next = await iterator.next();
        while (!next.done) {
          const [id, data] = trackedEnvelopeSchema.parse(next.value);
          yield tracked(id, await opts.yield.parseAsync(data));
          next = await iterator.next();
        }
      } finally {
        await iterator.return?.();
      }
    });
}
