import type { EventUnion } from '@tidings/contract';
import { market } from '@tidings/test-kit/contract';
import Fastify from 'fastify';
import { describe, expectTypeOf, it } from 'vitest';
import { createHub } from './create-hub.ts';
import type { HubStats } from './hub-types.ts';

const hub = createHub(market);

describe('hub types', () => {
  it('types emit from the contract: params, event names and input payloads', () => {
    expectTypeOf(hub.streams.ticker.emit({ symbol: 'ACME' }, 'quote', { price: 1 })).toEqualTypeOf<
      Promise<string>
    >();
    hub.streams.ticker.emit({ symbol: 'ACME' }, 'halted', { reason: 'news' });
    // .default() fields may be left out: emit takes the schema's input type.
    hub.streams.announcements.emit('notice', { text: 'hello' });
    hub.streams.room.emit({ room: 'lobby' }, 'say', { text: 'hi' });

    // @ts-expect-error an event the stream does not declare
    hub.streams.ticker.emit({ symbol: 'ACME' }, 'tick', { price: 1 });
    // @ts-expect-error a payload field of the wrong type
    hub.streams.ticker.emit({ symbol: 'ACME' }, 'quote', { price: '1' });
    // @ts-expect-error the payload of another event
    hub.streams.ticker.emit({ symbol: 'ACME' }, 'quote', { reason: 'x' });
    // @ts-expect-error a missing param
    hub.streams.ticker.emit({}, 'quote', { price: 1 });
    // @ts-expect-error a stream with params needs them
    hub.streams.ticker.emit('quote', { price: 1 });
    // @ts-expect-error a stream without params takes no params argument
    hub.streams.announcements.emit({}, 'notice', { text: 'x' });
    // @ts-expect-error a param name not in the path
    hub.streams.room.emit({ id: 'lobby' }, 'say', { text: 'hi' });
  });

  it('refuses streams the contract does not declare', () => {
    // @ts-expect-error no such stream
    hub.streams.clock;
    expectTypeOf(hub.streams).toHaveProperty('ticker');
  });

  it('types subscriberCount and stats', () => {
    expectTypeOf(hub.streams.ticker.subscriberCount({ symbol: 'ACME' })).toEqualTypeOf<number>();
    expectTypeOf(hub.streams.announcements.subscriberCount()).toEqualTypeOf<number>();
    // @ts-expect-error a stream with params needs them
    hub.streams.ticker.subscriberCount();
    expectTypeOf(hub.stats()).toEqualTypeOf<HubStats<typeof market>>();
    expectTypeOf(hub.stats().subscribers).toEqualTypeOf<{
      readonly ticker: number;
      readonly announcements: number;
      readonly room: number;
    }>();
  });

  it('types authorize with the validated params and query of each stream', () => {
    createHub(market, {
      authorize: (context) => {
        if (context.stream === 'ticker') {
          expectTypeOf(context.params).toEqualTypeOf<{ symbol: string }>();
          expectTypeOf(context.query).toEqualTypeOf<{ depth?: number | undefined }>();
        }
        if (context.stream === 'room') expectTypeOf(context.params).toEqualTypeOf<{ room: string }>();
        return context.request.headers.authorization !== undefined;
      },
    });
  });

  it('registers on HTTP/1.1 and HTTP/2 Fastify apps', async () => {
    await Fastify().register(hub.plugin, { prefix: '/streams' });
    await Fastify({ http2: true }).register(hub.plugin, { prefix: '/streams' });
    expectTypeOf<EventUnion<typeof market, 'ticker'>['type']>().toEqualTypeOf<'quote' | 'halted'>();
  });

  it('types handlers from the contract; a stream served by a handler has no emit', () => {
    const served = createHub(market, {
      handlers: {
        room: async function* ({ params, query, lastEventId, signal }) {
          expectTypeOf(params).toEqualTypeOf<{ room: string }>();
          expectTypeOf(query).toEqualTypeOf<Record<never, never>>();
          expectTypeOf(lastEventId).toEqualTypeOf<string | undefined>();
          expectTypeOf(signal).toEqualTypeOf<AbortSignal>();
          yield { event: 'say', data: { text: params.room } };
          yield { event: 'say', data: { text: 'with its own id' }, id: 'r-1' };
        },
      },
    });
    // @ts-expect-error a stream served by a handler has no emit
    served.streams.room.emit;
    expectTypeOf(served.streams.room.subscriberCount).toEqualTypeOf<(params: { room: string }) => number>();
    expectTypeOf(served.streams.ticker.emit).toBeFunction();
    createHub(market, {
      handlers: {
        // @ts-expect-error an event the stream does not declare
        room: async function* () {
          yield { event: 'shout', data: { text: 'x' } };
        },
      },
    });
    createHub(market, {
      handlers: {
        // @ts-expect-error a payload of the wrong type
        room: async function* () {
          yield { event: 'say', data: { text: 1 } };
        },
      },
    });
  });
});
