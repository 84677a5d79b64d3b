import type { StreamEvent, TidingsError } from '@tidings/client';
import { createClient } from '@tidings/client';
import { market } from '@tidings/test-kit/contract';
import { describe, expectTypeOf, test } from 'vitest';
import {
  type AnnouncementsNoticeEvent,
  createMarketClient,
  type MarketShape,
  type TickerQuoteEvent,
} from '../test/fixtures/market.generated.ts';
import {
  type HookStatus,
  type StreamParams,
  type SubscriptionState,
  useEvents,
  useLatest,
  useSubscription,
} from './index.ts';

// Hooks run only inside components, so each check is a component; the tests below name what each shows.

const options = { baseUrl: 'http://127.0.0.1:1/streams' };
/** The same contract through both doors: inferred from the contract, and the generated descriptor client. */
const inferred = createClient(market, options);
const generated = createMarketClient(options);

type TickerEvent = StreamEvent<MarketShape['ticker']['events']>;

function SubscriptionTypes() {
  const state = useSubscription(
    inferred.ticker,
    { symbol: 'ACME' },
    {
      enabled: true,
      lastEventId: '1-0',
      query: { depth: 5 },
      onEvent: (event) => {
        expectTypeOf(event).toEqualTypeOf<TickerEvent>();
        if (event.type === 'quote') expectTypeOf(event.data.price).toEqualTypeOf<number>();
        else expectTypeOf(event.data).toEqualTypeOf<{ reason: string }>();
      },
      onGap: (gap) => expectTypeOf(gap.lastEventId).toEqualTypeOf<string | undefined>(),
    },
  );
  expectTypeOf(state).toEqualTypeOf<SubscriptionState>();
  expectTypeOf(state.status).toEqualTypeOf<HookStatus>();
  expectTypeOf(state.status).toEqualTypeOf<'idle' | 'connecting' | 'open' | 'closed'>();
  expectTypeOf(state.error).toEqualTypeOf<TidingsError | undefined>();
  return null;
}

function SubscriptionOfGeneratedClient() {
  useSubscription(
    generated.ticker,
    { symbol: 'ACME' },
    { onEvent: (event) => expectTypeOf(event).toEqualTypeOf<TickerEvent>() },
  );
  return null;
}

function SubscriptionErrors() {
  // @ts-expect-error wrong param name: the ticker stream's param is `symbol`
  useSubscription(inferred.ticker, { sym: 'ACME' });
  // @ts-expect-error wrong param type: `symbol` is a string
  useSubscription(generated.ticker, { symbol: 42 });
  // @ts-expect-error missing params: the ticker stream needs { symbol }
  useSubscription(inferred.ticker, undefined);
  // @ts-expect-error the announcements stream has no path params: pass `undefined`
  useSubscription(inferred.announcements, { symbol: 'ACME' });
  // @ts-expect-error an unknown option
  useSubscription(inferred.ticker, { symbol: 'ACME' }, { enable: false });
  useSubscription(
    inferred.ticker,
    { symbol: 'ACME' },
    {
      onEvent: (event) => {
        // @ts-expect-error "trade" is not an event of this contract's ticker stream
        if (event.type === 'trade') return;
        // @ts-expect-error wrong payload field: a quote has `price`, not `bid`
        if (event.type === 'quote') console.log(event.data.bid);
      },
    },
  );
  return null;
}

function SubscriptionWithoutParams() {
  const state = useSubscription(generated.announcements, undefined, {
    onEvent: (event) => expectTypeOf(event.data).toEqualTypeOf<AnnouncementsNoticeEvent>(),
  });
  expectTypeOf(state.status).toEqualTypeOf<HookStatus>();
  return null;
}

function LatestTypes() {
  const quote = useLatest(inferred.ticker, { symbol: 'ACME' }, 'quote');
  expectTypeOf(quote).toEqualTypeOf<
    { n?: number | undefined; price: number; at?: string | undefined } | undefined
  >();
  const halted = useLatest(generated.ticker, { symbol: 'ACME' }, 'halted', { enabled: false });
  expectTypeOf(halted).toEqualTypeOf<{ reason: string } | undefined>();
  expectTypeOf(useLatest(generated.ticker, { symbol: 'ACME' }, 'quote')).toEqualTypeOf<
    TickerQuoteEvent | undefined
  >();
  const notice = useLatest(inferred.announcements, undefined, 'notice');
  expectTypeOf(notice).toEqualTypeOf<{ text: string; level: 'info' | 'warn' } | undefined>();
  return null;
}

function LatestErrors() {
  // @ts-expect-error "trade" is not an event of the ticker stream
  useLatest(inferred.ticker, { symbol: 'ACME' }, 'trade');
  // @ts-expect-error "notice" belongs to the announcements stream, not the ticker stream
  useLatest(generated.ticker, { symbol: 'ACME' }, 'notice');
  // @ts-expect-error wrong param name: the room stream's param is `room`
  useLatest(inferred.room, { id: 'lobby' }, 'say');
  // @ts-expect-error the announcements stream has no params: pass `undefined`, then the event
  useLatest(inferred.announcements, 'notice');
  const quote = useLatest(generated.ticker, { symbol: 'ACME' }, 'quote');
  // @ts-expect-error wrong payload field: a quote has `price`, not `bid`
  console.log(quote?.bid);
  // @ts-expect-error the payload may be undefined until the first quote arrives
  console.log(quote.price);
  return null;
}

function EventsTypes() {
  const events = useEvents(inferred.ticker, { symbol: 'ACME' }, { limit: 20 });
  expectTypeOf(events).toEqualTypeOf<readonly TickerEvent[]>();
  for (const event of events) {
    if (event.type === 'quote') expectTypeOf(event.data.price).toEqualTypeOf<number>();
    else expectTypeOf(event.data.reason).toEqualTypeOf<string>();
    expectTypeOf(event.id).toEqualTypeOf<string>();
  }
  expectTypeOf(useEvents(generated.ticker, { symbol: 'ACME' })).toEqualTypeOf<readonly TickerEvent[]>();
  const notices = useEvents(generated.announcements, undefined, { limit: 5 });
  expectTypeOf(notices[0]?.data).toEqualTypeOf<AnnouncementsNoticeEvent | undefined>();
  return null;
}

function EventsErrors() {
  // @ts-expect-error wrong param type: `symbol` is a string
  useEvents(inferred.ticker, { symbol: ['ACME'] });
  // @ts-expect-error `limit` is a number of events
  useEvents(inferred.ticker, { symbol: 'ACME' }, { limit: '20' });
  const [first] = useEvents(generated.room, { room: 'lobby' });
  // @ts-expect-error wrong payload field: a `say` event has `text`, not `message`
  console.log(first?.data.message);
  // @ts-expect-error "trade" is not an event of the ticker stream, so no event has that type
  useEvents(inferred.ticker, { symbol: 'ACME' }).filter((event) => event.type === 'trade');
  return null;
}

describe('useSubscription', () => {
  test('returns the status and the last error; onEvent gets the typed union of the stream', () => {
    expectTypeOf(SubscriptionTypes).returns.toBeNull();
  });
  test('the generated client gives the same types', () => {
    expectTypeOf(SubscriptionOfGeneratedClient).returns.toBeNull();
  });
  test('a wrong param, a missing param, a wrong event and a wrong payload field are compile errors', () => {
    expectTypeOf(SubscriptionErrors).returns.toBeNull();
  });
  test('a stream without params takes `undefined` as params', () => {
    expectTypeOf(SubscriptionWithoutParams).returns.toBeNull();
    expectTypeOf<StreamParams<MarketShape['announcements']>>().toEqualTypeOf<undefined>();
    expectTypeOf<StreamParams<MarketShape['ticker']>>().toEqualTypeOf<{ symbol: string }>();
  });
});

describe('useLatest', () => {
  test('gives the payload of the named event, or undefined', () => {
    expectTypeOf(LatestTypes).returns.toBeNull();
  });
  test('a wrong event name, a wrong param and a wrong payload field are compile errors', () => {
    expectTypeOf(LatestErrors).returns.toBeNull();
  });
});

describe('useEvents', () => {
  test('gives the recent events as the typed union, discriminated on type', () => {
    expectTypeOf(EventsTypes).returns.toBeNull();
  });
  test('a wrong param, a wrong option and a wrong payload field are compile errors', () => {
    expectTypeOf(EventsErrors).returns.toBeNull();
  });
});
