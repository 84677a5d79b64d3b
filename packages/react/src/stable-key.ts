/** JSON with object keys sorted, so two values that are equal field by field give the same text. */
function stable(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(stable);
  if (typeof value !== 'object' || value === null) return value;
  // fromEntries defines own properties, so even a key named `__proto__` is kept.
  return Object.fromEntries(
    Object.keys(value)
      .sort()
      .map((key) => [key, stable((value as Record<string, unknown>)[key])]),
  );
}

/**
 * The key of a subscription's params and query, compared by value: `{ a: 1, b: 2 }` and `{ b: 2, a: 1 }`
 * give the same key, and a key whose value is `undefined` counts as absent (as the client leaves it out).
 */
export function subscriptionKey(params: unknown, query: unknown): string {
  return JSON.stringify([stable(params ?? null), stable(query ?? null)]);
}
