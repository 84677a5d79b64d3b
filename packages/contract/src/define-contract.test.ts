import { type } from 'arktype';
import fc from 'fast-check';
import * as v from 'valibot';
import { describe, expect, test } from 'vitest';
import { z } from 'zod';
import { EVENT_NAME_PATTERN } from './constants.ts';
import {
  type AnyStream,
  defineContract,
  defineStream,
  isContract,
  RESERVED_EVENT_NAMES,
  TidingsContractError,
} from './index.ts';

/** Any code point, lone surrogates included (cheaper to set up than `unit: 'binary'`). */
const anyChar = fc.integer({ min: 0, max: 0x10ffff }).map((code) => String.fromCodePoint(code));

/** `defineStream` without its compile-time checks, to reach the run-time ones. */
const looseStream = defineStream as unknown as (config: Record<string, unknown>) => AnyStream;
const payload = z.object({ n: z.number() });

function contractError(run: () => unknown): TidingsContractError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(TidingsContractError);
    const contractErr = error as TidingsContractError;
    expect(contractErr.code).toBe('CONTRACT_INVALID');
    expect(contractErr.name).toBe('TidingsContractError');
    expect(contractErr.message).toMatch(/^@tidings\/contract: /);
    return contractErr;
  }
  throw new Error('expected a TidingsContractError, but nothing was thrown');
}

function withStream(config: Record<string, unknown>, name = 'feed'): () => unknown {
  return () => defineContract({ [name]: looseStream(config) });
}

describe('defineContract accepts a valid contract', () => {
  test('returns a frozen contract that keeps every stream', () => {
    const ticker = defineStream({
      path: '/ticker/:symbol',
      params: z.object({ symbol: z.string() }),
      events: { quote: payload, 'halt.v2': z.object({ reason: z.string() }) },
      history: 1000,
      description: 'quotes',
    });
    const contract = defineContract({
      ticker,
      news: defineStream({ path: '/news', events: { item: payload } }),
    });
    expect(contract.kind).toBe('tidings.contract');
    expect(Object.keys(contract.streams)).toEqual(['ticker', 'news']);
    expect(contract.streams.ticker).toBe(ticker);
    expect(contract.streams.ticker.history).toBe(1000);
    expect(contract.streams.news.history).toBe(100);
    expect(contract.streams.ticker.description).toBe('quotes');
    expect(Object.isFrozen(contract)).toBe(true);
    expect(Object.isFrozen(contract.streams)).toBe(true);
    expect(Object.isFrozen(ticker.events)).toBe(true);
    expect(isContract(contract)).toBe(true);
    expect(isContract(ticker)).toBe(false);
    expect(isContract(null)).toBe(false);
  });

  test('accepts the root path and static paths beside param paths of another shape', () => {
    const contract = defineContract({
      root: defineStream({ path: '/', events: { ping: payload } }),
      one: defineStream({ path: '/a/:id', events: { ping: payload } }),
      fixed: defineStream({ path: '/a/latest', events: { ping: payload } }),
      two: defineStream({ path: '/a/:id/:sub', events: { ping: payload } }),
    });
    expect(Object.keys(contract.streams)).toHaveLength(4);
  });

  test('accepts valibot and arktype schemas for params, query and events', () => {
    const contract = defineContract({
      v: defineStream({
        path: '/v/:id',
        params: v.object({ id: v.string() }),
        query: v.object({ depth: v.optional(v.string()) }),
        events: { tick: v.object({ n: v.number() }) },
      }),
      a: defineStream({
        path: '/a/:id',
        params: type({ id: 'string' }),
        query: type({ 'depth?': 'string' }),
        events: { tick: type({ n: 'number' }) },
      }),
    });
    expect(Object.keys(contract.streams)).toEqual(['v', 'a']);
  });
});

describe('defineContract refuses a broken contract, naming the stream', () => {
  test('not an object of streams', () => {
    expect(contractError(() => defineContract(null as never)).message).toContain(
      'expects an object of streams',
    );
  });

  test('a value that is not a stream', () => {
    const error = contractError(() => defineContract({ ticker: { path: '/t', events: {} } as never }));
    expect(error.message).toContain('stream "ticker" is not a stream');
    expect(error.message).toContain('defineStream');
  });

  test('a stream name that is not an identifier', () => {
    const error = contractError(withStream({ path: '/a', events: { tick: payload } }, 'bad-name'));
    expect(error.message).toContain('"bad-name"');
  });

  test.each([
    ['ticker', 'no leading slash'],
    ['', 'empty'],
    ['/a//b', 'empty segment'],
    ['/a/', 'trailing slash'],
    ['/a/:', 'param without a name'],
    ['/a/:1x', 'param name starting with a digit'],
    ['/a/b c', 'space'],
    ['/a?b=1', 'query string'],
    ['/a/*', 'wildcard'],
    ['/a/x:id', 'param inside a segment'],
    ['/a/:id/:id', 'repeated param'],
  ])('bad path %j (%s)', (path) => {
    const error = contractError(withStream({ path, events: { tick: payload } }));
    expect(error.message).toContain('stream "feed"');
    expect(error.message).toContain(JSON.stringify(path));
  });

  test('a path that is not a string', () => {
    expect(contractError(withStream({ path: 42, events: { tick: payload } })).message).toContain(
      'stream "feed"',
    );
  });

  describe('path params and params keys must match', () => {
    test.each([
      ['zod, wrong key', '/t/:symbol', z.object({ ticker: z.string() })],
      ['zod, missing key', '/t/:symbol/:venue', z.object({ symbol: z.string() })],
      ['zod, extra key', '/t/:symbol', z.object({ symbol: z.string(), venue: z.string() })],
      ['zod, keys on a path without params', '/t', z.object({ symbol: z.string() })],
      ['zod, behind a transform', '/t/:symbol', z.object({ ticker: z.string() }).transform((p) => p)],
      ['valibot', '/t/:symbol', v.object({ ticker: v.string() })],
      ['valibot, in a pipe', '/t/:symbol', v.pipe(v.object({ ticker: v.string() }), v.readonly())],
      ['arktype', '/t/:symbol', type({ ticker: 'string' })],
    ])('%s', (_label, path, params) => {
      const error = contractError(withStream({ path, params, events: { tick: payload } }));
      expect(error.message).toContain('stream "feed"');
      expect(error.message).toContain(`"${path}"`);
      expect(error.message).toMatch(/params schema has keys \[[a-z, ]*\]/);
    });

    test('matching keys in any order pass, with coercion and transforms', () => {
      const contract = defineContract({
        z: defineStream({
          path: '/z/:b/:a',
          params: z.object({ a: z.coerce.number(), b: z.string() }).transform((p) => ({ ...p })),
          events: { tick: payload },
        }),
      });
      expect(contract.streams.z.path).toBe('/z/:b/:a');
    });
  });

  test('a params schema, a query schema or an event payload that is not a schema', () => {
    expect(
      contractError(withStream({ path: '/a/:id', params: { id: 'string' }, events: { tick: payload } }))
        .message,
    ).toContain('stream "feed" has params that are not a schema');
    expect(contractError(withStream({ path: '/a', query: {}, events: { tick: payload } })).message).toContain(
      'stream "feed" has a query that is not a schema',
    );
    for (const notSchema of [{}, 'string', null, 42, () => payload]) {
      const error = contractError(withStream({ path: '/a', events: { tick: notSchema } }));
      expect(error.message).toContain('stream "feed", event "tick": the payload is not a schema');
    }
  });

  test('no events', () => {
    expect(contractError(withStream({ path: '/a', events: {} })).message).toContain(
      'stream "feed" declares no events',
    );
    expect(contractError(withStream({ path: '/a' })).message).toContain('stream "feed" declares no events');
  });

  test.each(RESERVED_EVENT_NAMES)('reserved event name %s', (name) => {
    const error = contractError(withStream({ path: '/a', events: { ok: payload, [name]: payload } }));
    expect(error.message).toContain(`stream "feed" declares event "${name}"`);
    expect(error.message).toContain('reserved');
  });

  test.each(['1abc', '', 'a b', 'a\nb', 'é', '-a', '_a', '.a', 'a:b', 'a/b', 'a\u0000'])(
    'event name %j breaks the pattern',
    (name) => {
      const error = contractError(withStream({ path: '/a', events: { [name]: payload } }));
      expect(error.message).toContain(`stream "feed" declares event ${JSON.stringify(name)}`);
      expect(error.message).toContain(String(EVENT_NAME_PATTERN));
    },
  );

  test('an event name is accepted exactly when it matches the pattern and is not reserved', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string({ unit: anyChar, maxLength: 8 }),
          fc.stringMatching(/^[A-Za-z][A-Za-z0-9_.-]{0,8}$/),
        ),
        (name) => {
          const valid =
            EVENT_NAME_PATTERN.test(name) && !(RESERVED_EVENT_NAMES as readonly string[]).includes(name);
          let accepted = true;
          try {
            withStream({ path: '/a', events: { [name]: payload } })();
          } catch (error) {
            if (!(error instanceof TidingsContractError)) throw error;
            accepted = false;
          }
          expect(accepted).toBe(valid);
        },
      ),
    );
  });

  test('two streams with the same path shape', () => {
    const error = contractError(() =>
      defineContract({
        bySymbol: defineStream({ path: '/quotes/:symbol', events: { tick: payload } }),
        byVenue: defineStream({ path: '/quotes/:venue', events: { tick: payload } }),
      }),
    );
    expect(error.message).toContain('streams "bySymbol" and "byVenue" have the same path shape');
    expect(
      contractError(() =>
        defineContract({
          a: defineStream({ path: '/same', events: { tick: payload } }),
          b: defineStream({ path: '/same', events: { tick: payload } }),
        }),
      ).message,
    ).toContain('streams "a" and "b"');
  });

  test('a history that is not a whole number ≥ 0', () => {
    for (const history of [-1, 1.5, Number.NaN, Number.POSITIVE_INFINITY]) {
      const error = contractError(() => defineStream({ path: '/a', events: { tick: payload }, history }));
      expect(error.message).toContain('"/a"');
      expect(error.message).toContain(String(history));
    }
    const forged = { ...defineStream({ path: '/a', events: { tick: payload } }), history: -3 };
    expect(contractError(() => defineContract({ feed: forged })).message).toContain(
      'stream "feed" has history -3',
    );
  });
});

describe('payloads must be JSON-representable', () => {
  test.each([
    ['z.date()', z.object({ a: z.object({ when: z.date() }) }), 'a.when', 'Date'],
    ['z.bigint()', z.object({ amount: z.bigint() }), 'amount', 'BigInt'],
    ['z.function()', z.object({ callback: z.function() }), 'callback', 'Function'],
    ['a transform', z.object({ size: z.string().transform((s) => s.length) }), 'size', 'Transforms'],
    ['z.map()', z.object({ index: z.map(z.string(), z.number()) }), 'index', 'Map'],
    ['a date in an array', z.object({ list: z.array(z.object({ at: z.date() })) }), 'list[].at', 'Date'],
    ['a date in a tuple', z.object({ pair: z.tuple([z.string(), z.date()]) }), 'pair[1]', 'Date'],
    ['a date in a record', z.object({ byId: z.record(z.string(), z.date()) }), 'byId[key]', 'Date'],
    ['a date at the root', z.date(), '(root)', 'Date'],
    ['arktype Date', type({ a: { when: 'Date' } }), 'a.when', 'Date'],
    ['arktype bigint', type({ amount: 'bigint' }), 'amount', 'BigInt'],
  ])('%s is refused, naming stream, event and field', (_label, schema, field, reason) => {
    const error = contractError(withStream({ path: '/a', events: { ok: payload, tick: schema } }));
    expect(error.message).toContain(
      `stream "feed", event "tick": field "${field}" is not JSON-representable`,
    );
    expect(error.message).toContain(reason);
    expect(error.message).toContain('z.string().datetime()');
  });

  test('JSON-friendly zod features pass: defaults, optionals, pipes, unions, refinements', () => {
    const contract = defineContract({
      feed: defineStream({
        path: '/a',
        events: {
          tick: z.object({
            at: z.string().datetime(),
            venue: z.string().default('XNYS'),
            note: z.string().optional(),
            size: z.string().pipe(z.string().min(1)),
            kind: z.union([z.literal('a'), z.null()]),
            price: z.number().refine((n) => n > 0),
            meta: z.record(z.string(), z.unknown()),
          }),
        },
      }),
    });
    expect(Object.keys(contract.streams.feed.events)).toEqual(['tick']);
  });

  test('valibot payloads cannot be inspected and are accepted', () => {
    const contract = defineContract({
      feed: defineStream({ path: '/a', events: { tick: v.object({ at: v.date() }) } }),
    });
    expect(Object.keys(contract.streams.feed.events)).toEqual(['tick']);
  });
});
