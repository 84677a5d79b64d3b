import { type } from 'arktype';
import * as v from 'valibot';
import { describe, expectTypeOf, test } from 'vitest';
import { z } from 'zod';
import type {
  AnyContract,
  ContractDescriptor,
  ContractShape,
  EventInputsOf,
  EventsOf,
  EventUnion,
  NoParams,
  ParamsOf,
  PathParamNames,
  QueryOf,
  ShapeOf,
  StreamDescriptor,
  StreamNames,
} from './index.ts';
import { defineContract, defineStream, toDescriptor } from './index.ts';

const shop = defineContract({
  orders: defineStream({
    path: '/orders/:region/:id',
    params: z.object({ region: z.enum(['eu', 'us']), id: z.coerce.number() }),
    query: z.object({ since: z.string().optional() }),
    events: {
      created: z.object({ total: z.number(), currency: z.string().default('EUR') }),
      'status.changed': z.object({ status: z.enum(['paid', 'shipped']) }),
    },
  }),
  stock: defineStream({
    path: '/stock/:sku',
    params: v.object({
      sku: v.pipe(
        v.string(),
        v.transform((s) => s.toUpperCase()),
      ),
    }),
    events: { level: v.object({ count: v.number(), note: v.optional(v.string(), '') }) },
  }),
  prices: defineStream({
    path: '/prices/:sku',
    params: type({ sku: 'string' }),
    events: { price: type({ amount: 'number', 'currency?': 'string' }) },
  }),
  status: defineStream({ path: '/status', events: { up: z.object({ since: z.string() }) } }),
});
type Shop = typeof shop;

describe('StreamNames', () => {
  test('the stream names as a union of literals', () => {
    expectTypeOf<StreamNames<Shop>>().toEqualTypeOf<'orders' | 'stock' | 'prices' | 'status'>();
    expectTypeOf<StreamNames<AnyContract>>().toEqualTypeOf<string>();
  });
});

describe('ParamsOf', () => {
  test('the params schema output for zod, valibot and arktype', () => {
    expectTypeOf<ParamsOf<Shop, 'orders'>>().toEqualTypeOf<{ region: 'eu' | 'us'; id: number }>();
    expectTypeOf<ParamsOf<Shop, 'stock'>>().toEqualTypeOf<{ sku: string }>();
    expectTypeOf<ParamsOf<Shop, 'prices'>>().toEqualTypeOf<{ sku: string }>();
  });

  test('no keys for a stream without path params', () => {
    expectTypeOf<ParamsOf<Shop, 'status'>>().toEqualTypeOf<NoParams>();
  });

  test('only stream names are accepted', () => {
    // @ts-expect-error "nope" is not a stream of the contract
    expectTypeOf<ParamsOf<Shop, 'nope'>>();
  });
});

describe('QueryOf', () => {
  test('the query schema output, or no keys without one', () => {
    expectTypeOf<QueryOf<Shop, 'orders'>>().toEqualTypeOf<{ since?: string | undefined }>();
    expectTypeOf<QueryOf<Shop, 'status'>>().toEqualTypeOf<NoParams>();
  });
});

describe('EventsOf and EventInputsOf', () => {
  test('EventsOf gives each payload as a client receives it (output types)', () => {
    expectTypeOf<EventsOf<Shop, 'orders'>>().toEqualTypeOf<{
      created: { total: number; currency: string };
      'status.changed': { status: 'paid' | 'shipped' };
    }>();
    expectTypeOf<EventsOf<Shop, 'stock'>>().toEqualTypeOf<{ level: { count: number; note: string } }>();
    expectTypeOf<EventsOf<Shop, 'prices'>>().toEqualTypeOf<{
      price: { amount: number; currency?: string };
    }>();
  });

  test('EventInputsOf gives each payload as emit accepts it (defaults optional)', () => {
    expectTypeOf<EventInputsOf<Shop, 'orders'>['created']>().toEqualTypeOf<{
      total: number;
      currency?: string | undefined;
    }>();
    expectTypeOf<EventInputsOf<Shop, 'stock'>['level']>().toEqualTypeOf<{
      count: number;
      note?: string | undefined;
    }>();
  });
});

describe('EventUnion', () => {
  test('one member per event, discriminated on type', () => {
    expectTypeOf<EventUnion<Shop, 'orders'>>().toEqualTypeOf<
      | { type: 'created'; data: { total: number; currency: string }; id: string }
      | { type: 'status.changed'; data: { status: 'paid' | 'shipped' }; id: string }
    >();
    expectTypeOf<EventUnion<Shop, 'status'>>().toEqualTypeOf<{
      type: 'up';
      data: { since: string };
      id: string;
    }>();
  });

  test('narrowing on type gives the payload', () => {
    const handle = (event: EventUnion<Shop, 'orders'>) => {
      if (event.type === 'created') expectTypeOf(event.data.currency).toEqualTypeOf<string>();
      else expectTypeOf(event.data.status).toEqualTypeOf<'paid' | 'shipped'>();
    };
    expectTypeOf(handle).parameter(0).toHaveProperty('id').toEqualTypeOf<string>();
  });
});

describe('ShapeOf', () => {
  test('params and events of every stream, and a ContractShape', () => {
    type Shape = ShapeOf<Shop>;
    expectTypeOf<keyof Shape>().toEqualTypeOf<'orders' | 'stock' | 'prices' | 'status'>();
    expectTypeOf<Shape['orders']['params']>().toEqualTypeOf<{ region: 'eu' | 'us'; id: number }>();
    expectTypeOf<Shape['status']['params']>().toEqualTypeOf<NoParams>();
    expectTypeOf<Shape['stock']['events']>().toEqualTypeOf<{ level: { count: number; note: string } }>();
    expectTypeOf<Shape>().toExtend<ContractShape>();
  });
});

describe('PathParamNames', () => {
  test('the :name segments of a path', () => {
    expectTypeOf<PathParamNames<'/ticker/:symbol'>>().toEqualTypeOf<'symbol'>();
    expectTypeOf<PathParamNames<'/book/:venue/x/:symbol'>>().toEqualTypeOf<'venue' | 'symbol'>();
    expectTypeOf<PathParamNames<'/:a/:b/:c'>>().toEqualTypeOf<'a' | 'b' | 'c'>();
    expectTypeOf<PathParamNames<'/announcements'>>().toEqualTypeOf<never>();
    expectTypeOf<PathParamNames<'/'>>().toEqualTypeOf<never>();
    // A path widened to `string` has no known params.
    expectTypeOf<PathParamNames<string>>().toEqualTypeOf<never>();
  });
});

describe('toDescriptor', () => {
  test('returns a descriptor that carries the contract shape', () => {
    const descriptor = toDescriptor(shop);
    expectTypeOf(descriptor).toEqualTypeOf<ContractDescriptor<ShapeOf<Shop>>>();
    expectTypeOf(descriptor.streams).toEqualTypeOf<{
      readonly orders: StreamDescriptor;
      readonly stock: StreamDescriptor;
      readonly prices: StreamDescriptor;
      readonly status: StreamDescriptor;
    }>();
    expectTypeOf(descriptor.fingerprint).toEqualTypeOf<string>();
    type Carried = NonNullable<(typeof descriptor)['__shape']>;
    expectTypeOf<Carried['orders']['events']['created']>().toEqualTypeOf<{
      total: number;
      currency: string;
    }>();
  });
});

describe('compile-time checks on other schema libraries and paths', () => {
  test('valibot and arktype params must match the path params', () => {
    defineStream({
      path: '/a/:id',
      // @ts-expect-error the valibot params schema names "key" but the path has ":id"
      params: v.object({ key: v.string() }),
      events: { tick: v.object({}) },
    });
    defineStream({
      path: '/a/:id',
      // @ts-expect-error the arktype params schema names "key" but the path has ":id"
      params: type({ key: 'string' }),
      events: { tick: type({}) },
    });
  });

  test('a params schema with keys on a path without params fails to compile', () => {
    defineStream({
      path: '/a',
      // @ts-expect-error the path has no params, so the schema may have no keys
      params: z.object({ id: z.string() }),
      events: { tick: z.object({}) },
    });
  });

  test('every reserved name is refused', () => {
    // @ts-expect-error "open" is reserved for the client's lifecycle events
    defineStream({ path: '/a', events: { open: z.object({}) } });
    // @ts-expect-error "message" is reserved for the client's lifecycle events
    defineStream({ path: '/a', events: { message: z.object({}) } });
    // @ts-expect-error "close" is reserved for the client's lifecycle events
    defineStream({ path: '/a', events: { close: z.object({}) } });
  });
});
