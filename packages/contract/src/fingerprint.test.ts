import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import * as v from 'valibot';
import { describe, expect, test } from 'vitest';
import { z } from 'zod';
import { buildSampleContract } from './__fixtures__/sample-contract.ts';
import { canonicalJson, defineContract, defineStream, fingerprint } from './index.ts';

const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const CHILD = fileURLToPath(new URL('./__fixtures__/print-fingerprint.ts', import.meta.url));

/**
 * Runs a Node.js process to completion with Node's own `execFile` (bounded by its timeout; it rejects
 * on a non-zero exit with the output). The contract package keeps off the test kit, which depends on it.
 */
const runNode = promisify(execFile);

/** The sample contract with every object written in the opposite key order. */
function buildReordered() {
  return defineContract({
    announcements: defineStream({
      events: { notice: z.object({ text: z.string() }) },
      path: '/announcements',
    }),
    ticker: defineStream({
      description: 'Live quotes for one symbol',
      history: 1000,
      events: {
        halted: z.object({ reason: z.string() }),
        quote: z.object({ at: z.string().datetime(), price: z.number() }),
      },
      query: z.object({ depth: z.coerce.number().int().max(50).optional() }),
      params: z.object({ symbol: z.string().regex(/^[A-Z]{1,5}$/) }),
      path: '/ticker/:symbol',
    }),
  });
}

interface Variant {
  path?: string;
  params?: z.ZodObject;
  eventName?: string;
  quote?: z.ZodObject;
  query?: z.ZodObject;
  description?: string;
  history?: number;
}

/** One stream whose parts can be changed one at a time. */
function variant(change: Variant = {}) {
  return defineContract({
    ticker: defineStream({
      path: change.path ?? '/ticker/:symbol',
      params: change.params ?? z.object({ symbol: z.string() }),
      query: change.query ?? z.object({ depth: z.number().optional() }),
      events: { [change.eventName ?? 'quote']: change.quote ?? z.object({ price: z.number() }) },
      history: change.history ?? 100,
      description: change.description ?? 'quotes',
    } as never),
  });
}

describe('fingerprint', () => {
  test('is 16 hex digits and the same for two separately built identical contracts', () => {
    const value = fingerprint(buildSampleContract());
    expect(value).toMatch(/^[0-9a-f]{16}$/);
    expect(fingerprint(buildSampleContract())).toBe(value);
  });

  test('does not depend on the key order of streams, events, fields or stream options', () => {
    expect(fingerprint(buildReordered())).toBe(fingerprint(buildSampleContract()));
  });

  test('is the same in another process', async () => {
    const { stdout, stderr } = await runNode(process.execPath, ['--import', 'tsx', CHILD], {
      cwd: REPO_ROOT,
      timeout: 30_000,
    });
    expect(stderr).toBe('');
    expect(stdout).toBe(fingerprint(buildSampleContract()));
  });

  test('changes when a path, a param, an event name, an event schema or the query changes', () => {
    const variants: Record<string, ReturnType<typeof variant>> = {
      base: variant(),
      path: variant({ path: '/quotes/:symbol' }),
      paramName: variant({ path: '/ticker/:ticker', params: z.object({ ticker: z.string() }) }),
      paramSchema: variant({ params: z.object({ symbol: z.string().regex(/^[A-Z]+$/) }) }),
      paramType: variant({ params: z.object({ symbol: z.coerce.number() }) }),
      eventName: variant({ eventName: 'trade' }),
      fieldType: variant({ quote: z.object({ price: z.string() }) }),
      fieldName: variant({ quote: z.object({ cost: z.number() }) }),
      fieldAdded: variant({ quote: z.object({ price: z.number(), venue: z.string().optional() }) }),
      fieldConstraint: variant({ quote: z.object({ price: z.number().positive() }) }),
      query: variant({ query: z.object({ depth: z.string().optional() }) }),
    };
    const prints = Object.entries(variants).map(([name, contract]) => [name, fingerprint(contract)] as const);
    expect(new Set(prints.map(([, print]) => print)).size).toBe(prints.length);
  });

  test('changes when a stream is added or renamed', () => {
    const base = fingerprint(variant());
    const stream = variant().streams.ticker;
    expect(fingerprint(defineContract({ quotes: stream }))).not.toBe(base);
    const extra = defineStream({ path: '/news', events: { item: z.object({ text: z.string() }) } });
    expect(fingerprint(defineContract({ ticker: stream, news: extra }))).not.toBe(base);
  });

  test('is not changed by a description or the history size', () => {
    const base = fingerprint(variant());
    expect(fingerprint(variant({ description: 'something else entirely' }))).toBe(base);
    expect(fingerprint(variant({ history: 5000 }))).toBe(base);
  });

  test('a contract with valibot schemas still has a stable fingerprint', () => {
    const build = () =>
      defineContract({ v: defineStream({ path: '/v', events: { tick: v.object({ n: v.number() }) } }) });
    expect(fingerprint(build())).toBe(fingerprint(build()));
    expect(fingerprint(build())).toMatch(/^[0-9a-f]{16}$/);
  });
});

describe('canonicalJson', () => {
  test('sorts object keys at every depth, keeps array order, drops undefined members', () => {
    expect(canonicalJson({ b: 1, a: { d: [3, { z: 1, y: 2 }], c: undefined } })).toBe(
      '{"a":{"d":[3,{"y":2,"z":1}]},"b":1}',
    );
    expect(canonicalJson({ a: 1, b: 2 })).toBe(canonicalJson({ b: 2, a: 1 }));
    expect(canonicalJson(undefined)).toBe('null');
    expect(canonicalJson('x"y')).toBe('"x\\"y"');
  });
});
