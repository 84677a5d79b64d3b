import type { ShapeOf } from '@tidings/contract';
import { market } from '@tidings/test-kit/contract';
import { describe, expectTypeOf, test } from 'vitest';
import { createMarketClient, type MarketShape, marketDescriptor } from '../test/fixtures/market-client.ts';
import {
  type ClientOptions,
  createClient,
  type StreamEvent,
  type Subscription,
  type SubscriptionErrorEvent,
  type SubscriptionGapEvent,
  type TidingsClient,
  type TidingsError,
} from './index.ts';

const options = { baseUrl: 'http://127.0.0.1:1/streams' };
const client = createClient(market, options);

describe('createClient', () => {
  test('a contract and its descriptor give the same client type', () => {
    expectTypeOf(createClient(market, options)).toEqualTypeOf<TidingsClient<ShapeOf<typeof market>>>();
    expectTypeOf(createClient(marketDescriptor, options)).toEqualTypeOf<TidingsClient<MarketShape>>();
    expectTypeOf(createMarketClient(options)).toEqualTypeOf(createClient(market, options));
    expectTypeOf<TidingsClient<MarketShape>>().toEqualTypeOf<TidingsClient<ShapeOf<typeof market>>>();
  });

  test('the timeouts and the event size bound are numbers (0 turns a timeout off)', () => {
    expectTypeOf<ClientOptions['connectTimeoutMs']>().toEqualTypeOf<number | undefined>();
    expectTypeOf<ClientOptions['idleTimeoutMs']>().toEqualTypeOf<number | undefined>();
    expectTypeOf<ClientOptions['maxEventBytes']>().toEqualTypeOf<number | undefined>();
    createClient(market, { ...options, connectTimeoutMs: 5000, idleTimeoutMs: 0, maxEventBytes: 65_536 });
    // @ts-expect-error a timeout is milliseconds, not a duration string
    createClient(market, { ...options, connectTimeoutMs: '10s' });
  });

  test('subscribe takes params when the path has some, and none otherwise', () => {
    expectTypeOf(client.ticker.subscribe).parameter(0).toEqualTypeOf<{ symbol: string }>();
    client.ticker.subscribe({ symbol: 'ACME' }, { lastEventId: '1-0', query: { depth: 5 } });
    client.announcements.subscribe();
    client.announcements.subscribe({ signal: AbortSignal.timeout(1) });
    // @ts-expect-error missing params: the ticker stream needs { symbol }
    client.ticker.subscribe();
    // @ts-expect-error missing params: an empty object has no symbol
    client.ticker.subscribe({});
    // @ts-expect-error wrong param name
    client.ticker.subscribe({ sym: 'ACME' });
    // @ts-expect-error a stream with no path params takes no params argument
    client.announcements.subscribe({ symbol: 'ACME' });
    // @ts-expect-error unknown stream
    client.nope;
  });
});

describe('Subscription', () => {
  const sub = client.ticker.subscribe({ symbol: 'ACME' });

  test('e.data narrows by event name', () => {
    sub.addEventListener('quote', (e) => {
      expectTypeOf(e.data).toEqualTypeOf<{
        n?: number | undefined;
        price: number;
        at?: string | undefined;
      }>();
      expectTypeOf(e.id).toEqualTypeOf<string>();
      expectTypeOf(e.type).toEqualTypeOf<'quote'>();
    });
    sub.addEventListener('halted', (e) => {
      expectTypeOf(e.data.reason).toEqualTypeOf<string>();
    });
  });

  test('lifecycle events are typed too', () => {
    sub.addEventListener('error', (e) => {
      expectTypeOf(e).toEqualTypeOf<SubscriptionErrorEvent>();
      expectTypeOf(e.error).toEqualTypeOf<TidingsError>();
    });
    sub.addEventListener('gap', (e) => expectTypeOf(e).toEqualTypeOf<SubscriptionGapEvent>());
    sub.addEventListener('open', (e) => expectTypeOf(e.type).toEqualTypeOf<'open'>());
    sub.addEventListener('close', (e) => expectTypeOf(e.error).toEqualTypeOf<TidingsError | undefined>());
  });

  test('a wrong event name or payload field does not compile', () => {
    // @ts-expect-error "trade" is not an event of the ticker stream
    sub.addEventListener('trade', () => {});
    sub.addEventListener('quote', (e) => {
      // @ts-expect-error "volume" is not a field of the quote payload
      e.data.volume;
    });
    // @ts-expect-error a halted listener does not take a quote event
    sub.addEventListener('halted', (e: { data: { price: number } }) => e);
    // @ts-expect-error removeEventListener checks names too
    sub.removeEventListener('trade', () => {});
  });

  test('async iteration yields a union that narrows on type', async () => {
    for await (const ev of sub) {
      expectTypeOf(ev).toEqualTypeOf<StreamEvent<MarketShape['ticker']['events']>>();
      if (ev.type === 'halted') expectTypeOf(ev.data).toEqualTypeOf<{ reason: string }>();
      else expectTypeOf(ev.data.price).toEqualTypeOf<number>();
    }
  });

  test('status, lastEventId and the subscription type', () => {
    expectTypeOf(sub.status).toEqualTypeOf<'connecting' | 'open' | 'closed'>();
    expectTypeOf(sub.lastEventId).toEqualTypeOf<string | undefined>();
    expectTypeOf(sub).toEqualTypeOf<Subscription<MarketShape['ticker']['events']>>();
  });
});
