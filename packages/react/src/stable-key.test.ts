import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { subscriptionKey } from './stable-key.ts';

/** Params and query values as the client takes them: strings, numbers, booleans, arrays of those. */
const value = fc.oneof(
  fc.string(),
  fc.integer(),
  fc.boolean(),
  fc.array(fc.oneof(fc.string(), fc.integer(), fc.boolean()), { maxLength: 3 }),
);
const record = fc.dictionary(fc.string({ minLength: 1, maxLength: 8 }), value, { maxKeys: 5 });

function shuffled(input: Record<string, unknown>, seed: number): Record<string, unknown> {
  const keys = Object.keys(input);
  for (let i = keys.length - 1; i > 0; i--) {
    const j = (seed + i * 7) % (i + 1);
    [keys[i], keys[j]] = [keys[j]!, keys[i]!];
  }
  return Object.fromEntries(keys.map((key) => [key, input[key]]));
}

describe('subscriptionKey', () => {
  test('equal values in any key order give the same key', () => {
    fc.assert(
      fc.property(record, record, fc.nat(), (params, query, seed) => {
        const copy = structuredClone(params);
        expect(subscriptionKey(shuffled(copy, seed), shuffled(query, seed + 1))).toBe(
          subscriptionKey(params, query),
        );
      }),
    );
  });

  test('different values give different keys, and params never collide with query', () => {
    fc.assert(
      fc.property(record, record, record, record, (p1, q1, p2, q2) => {
        const same =
          subscriptionKey(p1, undefined) === subscriptionKey(p2, undefined) &&
          subscriptionKey(q1, undefined) === subscriptionKey(q2, undefined);
        expect(subscriptionKey(p1, q1) === subscriptionKey(p2, q2)).toBe(same);
      }),
    );
    expect(subscriptionKey({ a: '1' }, undefined)).not.toBe(subscriptionKey(undefined, { a: '1' }));
    expect(subscriptionKey({ n: 1 }, undefined)).not.toBe(subscriptionKey({ n: '1' }, undefined));
  });

  test('a key whose value is undefined counts as absent, as the client leaves it out of the URL', () => {
    expect(subscriptionKey({ symbol: 'ACME' }, { depth: undefined })).toBe(
      subscriptionKey({ symbol: 'ACME' }, {}),
    );
    expect(subscriptionKey(undefined, undefined)).toBe(subscriptionKey(undefined, null));
  });
});
