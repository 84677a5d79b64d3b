import { type ClientOptions, createClient, type TidingsClient } from '@tidings/client';
import type { ShapeOf } from '@tidings/contract';
import { describe, expectTypeOf, test } from 'vitest';
import type { kitchenSink } from './__fixtures__/kitchen-sink.ts';
import {
  type CatalogPricesEvent,
  type CatalogThreadEvent,
  type CategoryNode,
  createKitchenSinkClient,
  type KitchenSinkShape,
  kitchenSinkDescriptor,
  type OrdersCreatedEvent,
  type OrdersParams,
  type OrdersStatusChangedEvent,
} from './__snapshots__/kitchen-sink.generated.ts';

type Inferred = ShapeOf<typeof kitchenSink>;
declare const options: ClientOptions;

describe('the generated kitchen-sink client', () => {
  test('streams without brands have exactly the types createClient(contract) infers', () => {
    expectTypeOf<KitchenSinkShape['status']>().toEqualTypeOf<Inferred['status']>();
    expectTypeOf<KitchenSinkShape['catalog']>().toEqualTypeOf<Inferred['catalog']>();
    expectTypeOf<TidingsClient<Pick<KitchenSinkShape, 'status' | 'catalog'>>>().toEqualTypeOf<
      TidingsClient<Pick<Inferred, 'status' | 'catalog'>>
    >();
  });

  test('branded, optional, nullable and union fields keep their meaning', () => {
    expectTypeOf<OrdersParams['orderId']>().toExtend<string>();
    expectTypeOf<string>().not.toExtend<OrdersParams['orderId']>();
    expectTypeOf<OrdersCreatedEvent['amountInCents']>().toExtend<number>();
    expectTypeOf<OrdersCreatedEvent['note']>().toEqualTypeOf<string | undefined>();
    expectTypeOf<OrdersCreatedEvent['coupon']>().toEqualTypeOf<string | null>();
    expectTypeOf<OrdersCreatedEvent['giftWrap']>().toEqualTypeOf<boolean | null | undefined>();
    expectTypeOf<OrdersCreatedEvent['status']>().toEqualTypeOf<'pending' | 'paid' | 'shipped'>();
    expectTypeOf<OrdersStatusChangedEvent['status']>().toEqualTypeOf<'paid' | 'shipped' | 'cancelled'>();
    expectTypeOf<Omit<OrdersCreatedEvent, 'amountInCents'>>().toEqualTypeOf<
      Omit<Inferred['orders']['events']['created'], 'amountInCents'>
    >();
  });

  test('recursive types are named interfaces', () => {
    expectTypeOf<CategoryNode['children'][number]>().toEqualTypeOf<CategoryNode>();
    expectTypeOf<CatalogThreadEvent['replies'][number]>().toEqualTypeOf<CatalogThreadEvent>();
    expectTypeOf<CatalogPricesEvent['history'][number]>().toEqualTypeOf<[string, number, ...boolean[]]>();
  });

  test('the factory returns a typed client, as createClient does with the descriptor', () => {
    expectTypeOf(createKitchenSinkClient).returns.toEqualTypeOf<TidingsClient<KitchenSinkShape>>();
    expectTypeOf(createClient(kitchenSinkDescriptor, options)).toEqualTypeOf<
      TidingsClient<KitchenSinkShape>
    >();
  });

  test('misuse does not compile', () => {
    const client = createKitchenSinkClient(options);
    const status = client.status.subscribe();
    status.addEventListener('mode', (event) => {
      expectTypeOf(event.data).toEqualTypeOf<'normal' | 'maintenance'>();
    });
    // @ts-expect-error "halted" is not an event of the status stream
    status.addEventListener('halted', () => {});
    const catalog = client.catalog.subscribe({ region: 'eu', shop: 'berlin' });
    catalog.addEventListener('prices', (event) => {
      expectTypeOf(event.data.bySku).toEqualTypeOf<Record<string, number>>();
      // @ts-expect-error "byRegion" is not a field of the prices payload
      void event.data.byRegion;
    });
    // @ts-expect-error the catalog stream needs its path params
    client.catalog.subscribe();
    // @ts-expect-error "shop" is missing from the params
    client.catalog.subscribe({ region: 'eu' });
    // @ts-expect-error an order id must be branded, a plain string is not one
    client.orders.subscribe({ orderId: 'o-1' });
    // @ts-expect-error the status stream has no path params
    client.status.subscribe({ region: 'eu' });
  });
});
