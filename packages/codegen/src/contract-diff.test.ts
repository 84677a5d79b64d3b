import { type AnyContract, defineContract, defineStream } from '@tidings/contract';
import { describe, expect, test } from 'vitest';
import { z } from 'zod';
import { diffContracts, diffJsonSchemas, isBreaking } from './contract-diff.ts';

/** A contract with one stream "s" whose one event "e" has `payload`. */
function event(payload: z.ZodType) {
  return defineContract({ s: defineStream({ path: '/s', events: { e: payload } }) });
}

/** A contract with one stream "s" whose query is `query`. */
function query(schema: z.ZodObject) {
  return defineContract({ s: defineStream({ path: '/s', query: schema, events: { e: z.object({}) } }) });
}

/** A contract with one stream "s" on `/s/:symbol` whose params are `params`. */
function params(symbol: z.ZodType) {
  return defineContract({
    s: defineStream({ path: '/s/:symbol', params: z.object({ symbol }), events: { e: z.object({}) } }),
  });
}

const quote = z.object({ price: z.number(), at: z.string() });
const E = 'stream "s", event "e"';
const Q = 'stream "s", query';
const P = 'stream "s", params';
const at = (where: string, field: string) => `${where}, field "${field}"`;

type Row = readonly [title: string, before: AnyContract, after: AnyContract, expected: readonly string[]];

const shapes = z.discriminatedUnion('type', [
  z.object({ type: z.literal('circle'), radius: z.number() }),
  z.object({ type: z.literal('square'), side: z.number() }),
]);
type Tree = { name: string; children: Tree[] };
type NotedTree = { name: string; note?: string | undefined; children: NotedTree[] };
const tree: z.ZodType<Tree> = z.lazy(() => z.object({ name: z.string(), children: z.array(tree) }));
const notedTree: z.ZodType<NotedTree> = z.lazy(() =>
  z.object({ name: z.string(), note: z.string().optional(), children: z.array(notedTree) }),
);

/**
 * What real contracts do to a payload (the server sends it, clients built on the old contract read
 * it), to a query and params (clients send them, the new server reads them), and to streams, events
 * and paths; each with every change `diffContracts` must report, as `severity kind where`.
 */
const ROWS: readonly Row[] = [
  // Payload fields: add, remove, rename, optional, required.
  [
    'payload: a field renamed',
    event(z.object({ price: z.number() })),
    event(z.object({ cost: z.number() })),
    [`breaking field-renamed ${at(E, 'price')}`],
  ],
  [
    'payload: a new optional field',
    event(quote),
    event(quote.extend({ venue: z.string().optional() })),
    [`safe field-added ${at(E, 'venue')}`],
  ],
  [
    'payload: a new required field',
    event(quote),
    event(quote.extend({ venue: z.string() })),
    [`safe field-added ${at(E, 'venue')}`],
  ],
  [
    'payload: a required field removed',
    event(quote),
    event(quote.omit({ at: true })),
    [`breaking field-removed ${at(E, 'at')}`],
  ],
  [
    'payload: an optional field removed',
    event(quote.extend({ venue: z.string().optional() })),
    event(quote),
    [`safe field-removed ${at(E, 'venue')}`],
  ],
  [
    'payload: a field that was always present made optional',
    event(quote),
    event(quote.partial({ at: true })),
    [`breaking field-optional ${at(E, 'at')}`],
  ],
  [
    'payload: an optional field made required',
    event(quote.partial({ at: true })),
    event(quote),
    [`safe field-required ${at(E, 'at')}`],
  ],
  // Nullable.
  [
    'payload: a field made nullable',
    event(quote),
    event(quote.extend({ at: z.string().nullable() })),
    [`breaking nullable-added ${at(E, 'at')}`],
  ],
  [
    'payload: null no longer sent',
    event(quote.extend({ at: z.string().nullable() })),
    event(quote),
    [`safe nullable-removed ${at(E, 'at')}`],
  ],
  [
    'payload: a required field made nullish',
    event(quote),
    event(quote.extend({ at: z.string().nullish() })),
    [`breaking field-optional ${at(E, 'at')}`, `breaking nullable-added ${at(E, 'at')}`],
  ],
  // Enums and literals.
  [
    'payload: an enum value added (a client may switch on it)',
    event(z.object({ side: z.enum(['buy', 'sell']) })),
    event(z.object({ side: z.enum(['buy', 'sell', 'short']) })),
    [`breaking value-added ${at(E, 'side')}`],
  ],
  [
    'payload: an enum value removed',
    event(z.object({ side: z.enum(['buy', 'sell', 'short']) })),
    event(z.object({ side: z.enum(['buy', 'sell']) })),
    [`safe value-removed ${at(E, 'side')}`],
  ],
  [
    'payload: a literal changed',
    event(z.object({ version: z.literal(1) })),
    event(z.object({ version: z.literal(2) })),
    [`breaking value-added ${at(E, 'version')}`, `safe value-removed ${at(E, 'version')}`],
  ],
  [
    'payload: an enum widened to any string',
    event(z.object({ side: z.enum(['buy', 'sell']) })),
    event(z.object({ side: z.string() })),
    [`breaking type-changed ${at(E, 'side')}`],
  ],
  [
    'payload: a string narrowed to an enum',
    event(z.object({ side: z.string() })),
    event(z.object({ side: z.enum(['buy', 'sell']) })),
    [`safe type-narrowed ${at(E, 'side')}`],
  ],
  // Types.
  [
    'payload: a type changed',
    event(quote),
    event(quote.extend({ price: z.string() })),
    [`breaking type-changed ${at(E, 'price')}`],
  ],
  [
    'payload: number narrowed to integer',
    event(z.object({ volume: z.number() })),
    event(z.object({ volume: z.number().int() })),
    [`safe type-narrowed ${at(E, 'volume')}`],
  ],
  [
    'payload: integer widened to number',
    event(z.object({ volume: z.number().int() })),
    event(z.object({ volume: z.number() })),
    [`breaking type-widened ${at(E, 'volume')}`],
  ],
  [
    'payload: a bound loosened (old clients with validate: true refuse the new values)',
    event(z.object({ text: z.string().max(280) })),
    event(z.object({ text: z.string().max(500) })),
    [`breaking constraint-widened ${at(E, 'text')}`],
  ],
  [
    'payload: a bound tightened',
    event(z.object({ price: z.number() })),
    event(z.object({ price: z.number().positive() })),
    [`safe constraint-narrowed ${at(E, 'price')}`],
  ],
  // Unions.
  [
    'payload: a union member added',
    event(shapes),
    event(
      z.discriminatedUnion('type', [
        ...shapes.options,
        z.object({ type: z.literal('triangle'), base: z.number(), height: z.number() }),
      ]),
    ),
    [`breaking variant-added ${E}`],
  ],
  [
    'payload: a union member removed',
    event(shapes),
    event(z.discriminatedUnion('type', [shapes.options[0]])),
    [`safe variant-removed ${E}`],
  ],
  [
    'payload: a field of one union member changed type',
    event(shapes),
    event(
      z.discriminatedUnion('type', [
        shapes.options[0],
        z.object({ type: z.literal('square'), side: z.string() }),
      ]),
    ),
    [`breaking type-changed ${at(E, 'side')}`],
  ],
  [
    'payload: a union of primitives narrowed',
    event(z.object({ id: z.union([z.string(), z.number()]) })),
    event(z.object({ id: z.string() })),
    [`safe type-narrowed ${at(E, 'id')}`],
  ],
  [
    'payload: a union of primitives widened',
    event(z.object({ id: z.string() })),
    event(z.object({ id: z.union([z.string(), z.number()]) })),
    [`breaking type-changed ${at(E, 'id')}`],
  ],
  // Arrays and tuples.
  [
    'payload: array items changed type',
    event(z.object({ tags: z.array(z.string()) })),
    event(z.object({ tags: z.array(z.number()) })),
    [`breaking type-changed ${at(E, 'tags[]')}`],
  ],
  [
    'payload: a field of array items removed',
    event(z.object({ lines: z.array(z.object({ sku: z.string(), qty: z.number() })) })),
    event(z.object({ lines: z.array(z.object({ sku: z.string() })) })),
    [`breaking field-removed ${at(E, 'lines[].qty')}`],
  ],
  [
    'payload: more array items allowed',
    event(z.object({ bids: z.array(z.number()).max(20) })),
    event(z.object({ bids: z.array(z.number()).max(50) })),
    [`breaking constraint-widened ${at(E, 'bids')}`],
  ],
  [
    'payload: a tuple grew',
    event(z.object({ pair: z.tuple([z.string(), z.number()]) })),
    event(z.object({ pair: z.tuple([z.string(), z.number(), z.boolean()]) })),
    [`breaking constraint-widened ${at(E, 'pair')}`, `safe constraint-narrowed ${at(E, 'pair')}`],
  ],
  // Nested objects.
  [
    'payload: a new optional field in a nested object',
    event(z.object({ meta: z.object({ source: z.string() }) })),
    event(z.object({ meta: z.object({ source: z.string(), region: z.string().optional() }) })),
    [`safe field-added ${at(E, 'meta.region')}`],
  ],
  [
    'payload: a nested object made optional',
    event(z.object({ meta: z.object({ source: z.string() }) })),
    event(z.object({ meta: z.object({ source: z.string() }).optional() })),
    [`breaking field-optional ${at(E, 'meta')}`],
  ],
  [
    'payload: a recursive schema got an optional field',
    event(z.object({ tree })),
    event(z.object({ tree: notedTree })),
    [`safe field-added ${at(E, 'tree.note')}`],
  ],
  // Defaults: a .default() field is always present in what the server sends.
  [
    'payload: an optional field given a default',
    event(z.object({ severity: z.enum(['info', 'warning']).optional() })),
    event(z.object({ severity: z.enum(['info', 'warning']).default('info') })),
    [`safe field-required ${at(E, 'severity')}`],
  ],
  [
    'payload: a default removed (the field may now be missing)',
    event(z.object({ severity: z.enum(['info', 'warning']).default('info') })),
    event(z.object({ severity: z.enum(['info', 'warning']).optional() })),
    [`breaking field-optional ${at(E, 'severity')}`],
  ],
  [
    'payload: a default value changed',
    event(z.object({ symbols: z.array(z.string()).default([]) })),
    event(z.object({ symbols: z.array(z.string()).default(['ACME']) })),
    [],
  ],
  // Records.
  [
    'payload: record values changed type',
    event(z.object({ prices: z.record(z.string(), z.number()) })),
    event(z.object({ prices: z.record(z.string(), z.string()) })),
    [`breaking type-changed ${at(E, 'prices[key]')}`],
  ],
  [
    'payload: record values made nullable',
    event(z.object({ prices: z.record(z.string(), z.number()) })),
    event(z.object({ prices: z.record(z.string(), z.number().nullable()) })),
    [`breaking nullable-added ${at(E, 'prices[key]')}`],
  ],
  [
    'payload: a key added to an enum-keyed record',
    event(z.object({ byRegion: z.record(z.enum(['eu', 'us']), z.number()) })),
    event(z.object({ byRegion: z.record(z.enum(['eu', 'us', 'apac']), z.number()) })),
    [`safe field-required ${at(E, 'byRegion.apac')}`, `breaking value-added ${at(E, 'byRegion (keys)')}`],
  ],
  [
    'payload: a key removed from an enum-keyed record',
    event(z.object({ byRegion: z.record(z.enum(['eu', 'us', 'apac']), z.number()) })),
    event(z.object({ byRegion: z.record(z.enum(['eu', 'us']), z.number()) })),
    [`breaking field-optional ${at(E, 'byRegion.apac')}`, `safe value-removed ${at(E, 'byRegion (keys)')}`],
  ],
  [
    'query: a key added to an enum-keyed record (zod requires every key)',
    query(z.object({ limits: z.record(z.enum(['eu', 'us']), z.coerce.number()).optional() })),
    query(z.object({ limits: z.record(z.enum(['eu', 'us', 'apac']), z.coerce.number()).optional() })),
    [`breaking field-required ${at(Q, 'limits.apac')}`, `safe value-added ${at(Q, 'limits (keys)')}`],
  ],
  [
    'payload: an object turned into a record',
    event(z.object({ totals: z.object({ buy: z.number(), sell: z.number() }) })),
    event(z.object({ totals: z.record(z.string(), z.number()) })),
    [`breaking field-optional ${at(E, 'totals.buy')}`, `breaking field-optional ${at(E, 'totals.sell')}`],
  ],
  // Query: the client sends it; narrowing breaks old clients, widening is safe.
  [
    'query: a new optional field',
    query(z.object({ depth: z.coerce.number().optional() })),
    query(z.object({ depth: z.coerce.number().optional(), venue: z.string().optional() })),
    [`safe field-added ${at(Q, 'venue')}`],
  ],
  [
    'query: a new required field',
    query(z.object({ depth: z.coerce.number().optional() })),
    query(z.object({ depth: z.coerce.number().optional(), venue: z.string() })),
    [`breaking field-added ${at(Q, 'venue')}`],
  ],
  [
    'query: a new field with a default (the server fills it in)',
    query(z.object({ depth: z.coerce.number().optional() })),
    query(z.object({ depth: z.coerce.number().optional(), venue: z.string().default('main') })),
    [`safe field-added ${at(Q, 'venue')}`],
  ],
  [
    'query: an optional field made required',
    query(z.object({ depth: z.coerce.number().optional() })),
    query(z.object({ depth: z.coerce.number() })),
    [`breaking field-required ${at(Q, 'depth')}`],
  ],
  [
    'query: a required field made optional',
    query(z.object({ depth: z.coerce.number() })),
    query(z.object({ depth: z.coerce.number().optional() })),
    [`safe field-optional ${at(Q, 'depth')}`],
  ],
  [
    'query: a field removed (the server ignores it)',
    query(z.object({ depth: z.coerce.number().optional(), venue: z.string().optional() })),
    query(z.object({ depth: z.coerce.number().optional() })),
    [`safe field-removed ${at(Q, 'venue')}`],
  ],
  [
    'query: an enum value added',
    query(z.object({ side: z.enum(['buy', 'sell']).optional() })),
    query(z.object({ side: z.enum(['buy', 'sell', 'short']).optional() })),
    [`safe value-added ${at(Q, 'side')}`],
  ],
  [
    'query: an enum value removed',
    query(z.object({ side: z.enum(['buy', 'sell', 'short']).optional() })),
    query(z.object({ side: z.enum(['buy', 'sell']).optional() })),
    [`breaking value-removed ${at(Q, 'side')}`],
  ],
  [
    'query: a bound tightened',
    query(z.object({ depth: z.coerce.number().max(50).optional() })),
    query(z.object({ depth: z.coerce.number().max(20).optional() })),
    [`breaking constraint-narrowed ${at(Q, 'depth')}`],
  ],
  [
    'query: a bound loosened',
    query(z.object({ depth: z.coerce.number().max(20).optional() })),
    query(z.object({ depth: z.coerce.number().max(50).optional() })),
    [`safe constraint-widened ${at(Q, 'depth')}`],
  ],
  [
    'query: an optional field given a default',
    query(z.object({ depth: z.coerce.number().optional() })),
    query(z.object({ depth: z.coerce.number().default(10) })),
    [],
  ],
  // Params: the client sends them too.
  [
    'params: a pattern narrowed',
    params(z.string().regex(/^[A-Z]{1,5}$/)),
    params(z.string().regex(/^[A-Z]{1,4}$/)),
    [`breaking constraint-narrowed ${at(P, 'symbol')}`],
  ],
  [
    'params: a pattern dropped (widened)',
    params(z.string().regex(/^[A-Z]{1,5}$/)),
    params(z.string()),
    [`safe constraint-widened ${at(P, 'symbol')}`],
  ],
  [
    'params: an enum param widened',
    params(z.enum(['eu', 'us'])),
    params(z.enum(['eu', 'us', 'apac'])),
    [`safe value-added ${at(P, 'symbol')}`],
  ],
  // Streams, events and paths.
  [
    'a new stream',
    event(quote),
    defineContract({
      s: defineStream({ path: '/s', events: { e: quote } }),
      t: defineStream({ path: '/t', events: { e: quote } }),
    }),
    ['safe stream-added stream "t"'],
  ],
  [
    'a stream removed',
    defineContract({
      s: defineStream({ path: '/s', events: { e: quote } }),
      t: defineStream({ path: '/t', events: { e: quote } }),
    }),
    event(quote),
    ['breaking stream-removed stream "t"'],
  ],
  [
    'a stream renamed (same path)',
    event(quote),
    defineContract({ quotes: defineStream({ path: '/s', events: { e: quote } }) }),
    ['breaking stream-renamed stream "s"'],
  ],
  [
    'a new event',
    event(quote),
    defineContract({ s: defineStream({ path: '/s', events: { e: quote, halted: z.object({}) } }) }),
    ['safe event-added stream "s", event "halted"'],
  ],
  [
    'an event removed',
    defineContract({ s: defineStream({ path: '/s', events: { e: quote, halted: z.object({}) } }) }),
    event(quote),
    ['breaking event-removed stream "s", event "halted"'],
  ],
  [
    'an event renamed',
    event(quote),
    defineContract({ s: defineStream({ path: '/s', events: { tick: quote } }) }),
    [`breaking event-renamed ${E}`],
  ],
  [
    'a path changed',
    event(quote),
    defineContract({ s: defineStream({ path: '/v2/s', events: { e: quote } }) }),
    ['breaking path-changed stream "s", path'],
  ],
  [
    'a path param renamed',
    params(z.string()),
    defineContract({
      s: defineStream({
        path: '/s/:ticker',
        params: z.object({ ticker: z.string() }),
        events: { e: z.object({}) },
      }),
    }),
    ['breaking path-param-renamed stream "s", path'],
  ],
  [
    'a path param removed',
    defineContract({ s: defineStream({ path: '/s/:region/:symbol', events: { e: z.object({}) } }) }),
    defineContract({ s: defineStream({ path: '/s/:symbol', events: { e: z.object({}) } }) }),
    ['breaking path-param-removed stream "s", path'],
  ],
  [
    'a path param added',
    defineContract({ s: defineStream({ path: '/s/:symbol', events: { e: z.object({}) } }) }),
    defineContract({ s: defineStream({ path: '/s/:region/:symbol', events: { e: z.object({}) } }) }),
    ['breaking path-param-added stream "s", path'],
  ],
  [
    'descriptions changed only',
    event(quote),
    defineContract({
      s: defineStream({ path: '/s', events: { e: quote.describe('A quote') }, description: 'Quotes' }),
    }),
    [],
  ],
];

describe('diffContracts classifies what real contracts do', () => {
  test(`the table has at least 30 changes (${ROWS.length})`, () => {
    expect(ROWS.length).toBeGreaterThanOrEqual(30);
  });

  test.each(ROWS)('%s', (_title, before, after, expected) => {
    const changes = diffContracts(before, after);
    expect(changes.map((change) => `${change.severity} ${change.kind} ${change.where}`)).toEqual(expected);
    expect(isBreaking(changes)).toBe(expected.some((line) => line.startsWith('breaking')));
    for (const change of changes) expect(change.message).not.toBe('');
  });
});

describe('diffContracts messages', () => {
  test('say what changed from old to new and why it breaks', () => {
    const changes = diffContracts(
      event(z.object({ side: z.enum(['buy', 'sell']), price: z.number() })),
      event(z.object({ side: z.enum(['buy', 'sell', 'short']), price: z.string() })),
    );
    expect(changes.map((change) => `${change.where}: ${change.message}`)).toEqual([
      'stream "s", event "e", field "price": type changed from number to string; clients built on the old contract expect number',
      'stream "s", event "e", field "side": new value "short" (the old contract knows "buy" | "sell"); an exhaustive switch in clients built on the old contract does not handle it',
    ]);
    expect(changes[0]).toEqual({
      severity: 'breaking',
      kind: 'type-changed',
      stream: 's',
      part: 'event',
      event: 'e',
      field: 'price',
      where: 'stream "s", event "e", field "price"',
      message: changes[0]!.message,
    });
  });

  test('a query message speaks of what old clients send', () => {
    const [change] = diffContracts(
      query(z.object({ side: z.enum(['buy', 'sell']).optional() })),
      query(z.object({ side: z.enum(['buy']).optional() })),
    );
    expect(change?.message).toBe('no longer accepts "sell"; clients built on the old contract may send it');
  });

  test('a union member is named by its discriminator', () => {
    const [change] = diffContracts(
      event(shapes),
      event(z.discriminatedUnion('type', [...shapes.options, z.object({ type: z.literal('dot') })])),
    );
    expect(change?.message).toBe(
      'new union member { type: "dot" }; clients built on the old contract do not know it',
    );
  });
});

describe('diffJsonSchemas', () => {
  const stream = (events: Record<string, Record<string, unknown> | null>) => ({
    streams: { s: { path: '/s', params: null, query: null, events } },
    unexpressed: [],
  });

  test('an event whose schema cannot be expressed in one version is breaking', () => {
    const changes = diffJsonSchemas(stream({ e: null }), stream({ e: { type: 'object' } }));
    expect(changes.map((change) => `${change.severity} ${change.kind}`)).toEqual(['breaking schema-changed']);
  });

  test('keywords it does not model are compared for equality, and a difference is breaking', () => {
    const before = stream({ e: { type: 'string', not: { const: 'x' } } });
    const after = stream({ e: { type: 'string', not: { const: 'y' } } });
    expect(diffJsonSchemas(before, after).map((change) => change.kind)).toEqual(['schema-changed']);
    expect(diffJsonSchemas(before, before)).toEqual([]);
  });

  test('type arrays and anyOf of the same types are the same schema', () => {
    const changes = diffJsonSchemas(
      stream({ e: { type: ['string', 'null'] } }),
      stream({ e: { anyOf: [{ type: 'string' }, { type: 'null' }] } }),
    );
    expect(changes.map((change) => `${change.severity} ${change.message}`)).toEqual([
      'safe changed compatibly',
    ]);
  });

  test('$defs references are followed on each side', () => {
    const node = (extra: Record<string, unknown>) => ({
      $ref: '#/$defs/node',
      $defs: {
        node: {
          type: 'object',
          properties: { id: { type: 'string' }, next: { $ref: '#/$defs/node' }, ...extra },
          required: ['id'],
        },
      },
    });
    const changes = diffJsonSchemas(
      stream({ e: node({}) }),
      stream({ e: node({ id2: { type: 'number' } }) }),
    );
    expect(changes.map((change) => `${change.kind} ${change.field}`)).toEqual(['field-added id2']);
  });
});
