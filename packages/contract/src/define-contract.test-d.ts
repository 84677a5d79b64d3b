import { describe, expectTypeOf, test } from 'vitest';
import { z } from 'zod';
import type {
  EventInputsOf,
  EventsOf,
  EventUnion,
  NoParams,
  ParamsOf,
  QueryOf,
  StreamNames,
} from './index.ts';
import { defineContract, defineStream } from './index.ts';

const market = defineContract({
  ticker: defineStream({
    path: '/ticker/:symbol',
    params: z.object({ symbol: z.string().regex(/^[A-Z]{1,5}$/) }),
    events: {
      quote: z.object({ price: z.number(), at: z.string().datetime(), venue: z.string().default('XNYS') }),
      halted: z.object({ reason: z.string() }),
    },
    query: z.object({ depth: z.coerce.number().int().max(50).optional() }),
    history: 1000,
  }),
  book: defineStream({ path: '/book/:venue/:symbol', events: { level: z.object({ size: z.number() }) } }),
  announcements: defineStream({ path: '/announcements', events: { notice: z.object({ text: z.string() }) } }),
});
type Market = typeof market;

describe('inference helpers', () => {
  test('StreamNames lists the streams', () => {
    expectTypeOf<StreamNames<Market>>().toEqualTypeOf<'ticker' | 'book' | 'announcements'>();
  });

  test('ParamsOf: the params schema output, strings without a schema, no keys without path params', () => {
    expectTypeOf<ParamsOf<Market, 'ticker'>>().toEqualTypeOf<{ symbol: string }>();
    expectTypeOf<ParamsOf<Market, 'book'>>().toEqualTypeOf<{ venue: string; symbol: string }>();
    expectTypeOf<ParamsOf<Market, 'announcements'>>().toEqualTypeOf<NoParams>();
  });

  test('EventsOf gives output types; EventInputsOf gives input types', () => {
    expectTypeOf<EventsOf<Market, 'ticker'>['quote']>().toEqualTypeOf<{
      price: number;
      at: string;
      venue: string;
    }>();
    expectTypeOf<EventInputsOf<Market, 'ticker'>['quote']>().toEqualTypeOf<{
      price: number;
      at: string;
      venue?: string | undefined;
    }>();
    expectTypeOf<QueryOf<Market, 'ticker'>>().toEqualTypeOf<{ depth?: number | undefined }>();
  });

  test('EventUnion is discriminated on type', () => {
    type U = EventUnion<Market, 'ticker'>;
    expectTypeOf<Extract<U, { type: 'halted' }>['data']>().toEqualTypeOf<{ reason: string }>();
    expectTypeOf<U['type']>().toEqualTypeOf<'quote' | 'halted'>();
    expectTypeOf<U['id']>().toEqualTypeOf<string>();
  });
});

describe('compile-time contract checks', () => {
  test('params keys must match the path params', () => {
    defineStream({
      path: '/ticker/:symbol',
      // @ts-expect-error the params schema names "ticker" but the path has ":symbol"
      params: z.object({ ticker: z.string() }),
      events: { quote: z.object({ price: z.number() }) },
    });
    defineStream({
      path: '/ticker/:symbol/:venue',
      // @ts-expect-error the params schema misses ":venue"
      params: z.object({ symbol: z.string() }),
      events: { quote: z.object({ price: z.number() }) },
    });
  });

  test('reserved event names fail to compile', () => {
    defineStream({
      path: '/a',
      // @ts-expect-error "error" is reserved for the client's lifecycle events
      events: { error: z.object({}), ok: z.object({}) },
    });
    defineStream({
      path: '/a',
      // @ts-expect-error "gap" is reserved for the client's lifecycle events
      events: { gap: z.object({}) },
    });
  });
});
