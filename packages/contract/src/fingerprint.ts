import { toJsonSchema } from './json-schema.ts';
import type { AnyContract } from './types.ts';

/** JSON with object keys in sorted order, so key order never changes a fingerprint. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const entries = Object.keys(value)
    .sort()
    .filter((key) => (value as Record<string, unknown>)[key] !== undefined)
    .map((key) => `${JSON.stringify(key)}:${canonicalJson((value as Record<string, unknown>)[key])}`);
  return `{${entries.join(',')}}`;
}

/** Sorts every `required` list of a JSON Schema: it is a set, so field order never changes a fingerprint. */
function sortRequired(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortRequired);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.entries(value).map(([key, inner]) => [
      key,
      key === 'required' && Array.isArray(inner) && inner.every((item) => typeof item === 'string')
        ? [...inner].sort()
        : sortRequired(inner),
    ]),
  );
}

/** A 64-bit non-cryptographic hash (two lanes of cyrb53), as 16 hex digits. Runs anywhere, no `node:crypto`. */
export function hash64(text: string): string {
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ ch, 2654435761);
    h2 = Math.imul(h2 ^ ch, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return (h2 >>> 0).toString(16).padStart(8, '0') + (h1 >>> 0).toString(16).padStart(8, '0');
}

const cache = new WeakMap<AnyContract, string>();

/**
 * A short hash of the contract's canonical JSON Schema (stream names, paths, params and event
 * schemas). Stable across processes, key order and field order; changes when any of those change.
 */
export function fingerprint(contract: AnyContract): string {
  let value = cache.get(contract);
  if (value === undefined) {
    const { streams } = toJsonSchema(contract);
    const withoutDescriptions = Object.fromEntries(
      Object.entries(streams).map(([name, { description: _d, ...rest }]) => [name, rest]),
    );
    value = hash64(canonicalJson(sortRequired(withoutDescriptions)));
    cache.set(contract, value);
  }
  return value;
}
