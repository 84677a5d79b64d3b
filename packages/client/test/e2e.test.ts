import { defineContract, defineStream } from '@tidings/contract';
import { createHub } from '@tidings/server';
import { market } from '@tidings/test-kit/contract';
import { serverResource } from '@tidings/test-kit/server';
import { absenceWindow } from '@tidings/test-kit/wait';
import { EventSource } from 'eventsource';
import { describe, expect, test, vi } from 'vitest';
import { z } from 'zod';
import { createClient, type TidingsClient, TidingsHttpError, TidingsValidationError } from '../src/index.ts';
import { createMarketClient, type MarketShape } from './fixtures/market-client.ts';
import { collect, nextEvent } from './helpers/subscription-events.ts';

const fast = { initialDelayMs: 20, maxDelayMs: 200 };
const hubOptions = { retryMs: 50, drainWindowMs: 50 };
const transports = [
  ['fetch', (url: string) => createMarketClient({ multiplex: false, baseUrl: url, reconnect: fast })],
  [
    'eventsource',
    (url: string) =>
      createMarketClient({
        multiplex: false,
        baseUrl: url,
        reconnect: fast,
        transport: 'eventsource',
        EventSource,
      }),
  ],
  ['multiplexed fetch', (url: string) => createMarketClient({ baseUrl: url, reconnect: fast })],
  [
    'multiplexed eventsource',
    (url: string) =>
      createMarketClient({ baseUrl: url, reconnect: fast, transport: 'eventsource', EventSource }),
  ],
] as const satisfies readonly (readonly [string, (url: string) => TidingsClient<MarketShape>])[];

describe.each(transports)('end to end against @tidings/server (%s transport)', (name, makeClient) => {
  test('typed delivery, for streams with and without params', async () => {
    await using server = await serverResource(createHub(market, hubOptions));
    using client = makeClient(server.url);
    using ticker = client.ticker.subscribe({ symbol: 'ACME' });
    using news = client.announcements.subscribe();
    await Promise.all([nextEvent(ticker, 'open'), nextEvent(news, 'open')]);
    const quote = nextEvent(ticker, 'quote');
    const halted = nextEvent(ticker, 'halted');
    const notice = nextEvent(news, 'notice');
    const quoteId = await server.hub.streams.ticker.emit({ symbol: 'ACME' }, 'quote', {
      price: 1.5,
      at: 'now',
    });
    await server.hub.streams.ticker.emit({ symbol: 'OTHER' }, 'halted', { reason: 'not mine' });
    await server.hub.streams.ticker.emit({ symbol: 'ACME' }, 'halted', { reason: 'news' });
    await server.hub.streams.announcements.emit('notice', { text: 'open' });
    expect(await quote).toEqual({ type: 'quote', data: { price: 1.5, at: 'now' }, id: quoteId });
    expect((await halted).data.reason).toBe('news');
    expect((await notice).data.text).toBe('open');
    expect(server.hub.stats().contractMismatches).toBe(0);
  });

  test('the server destroys the socket: the client resumes with nothing lost and nothing twice', async () => {
    await using server = await serverResource(createHub(market, hubOptions));
    using client = makeClient(server.url);
    using sub = client.ticker.subscribe({ symbol: 'ACME' });
    await nextEvent(sub, 'open');
    const all = collect(sub, 'quote', 30, 20_000);
    const emit = (i: number) =>
      server.hub.streams.ticker.emit({ symbol: 'ACME' }, 'quote', { price: i, at: '' });
    const firstTen = collect(sub, 'quote', 10);
    for (let i = 0; i < 10; i++) await emit(i);
    await firstTen;
    const dropped = nextEvent(sub, 'error');
    const reopened = nextEvent(sub, 'open');
    server.destroySockets();
    await dropped;
    for (let i = 10; i < 20; i++) await emit(i);
    await reopened;
    for (let i = 20; i < 30; i++) await emit(i);
    const events = await all;
    expect(events.map((e) => e.data.price)).toEqual(Array.from({ length: 30 }, (_, i) => i));
    expect(new Set(events.map((e) => e.id)).size).toBe(30);
  });

  test('subscribing with lastEventId replays what came after it, with no gap', async () => {
    await using server = await serverResource(createHub(market, hubOptions));
    const emit = (i: number) =>
      server.hub.streams.ticker.emit({ symbol: 'ACME' }, 'quote', { price: i, at: '' });
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push(await emit(i));
    using client = makeClient(server.url);
    using sub = client.ticker.subscribe({ symbol: 'ACME' }, { lastEventId: ids[1]! });
    let gaps = 0;
    sub.addEventListener('gap', () => gaps++);
    const replayed = await collect(sub, 'quote', 3);
    expect(replayed.map((e) => e.id)).toEqual(ids.slice(2));
    const live = nextEvent(sub, 'quote');
    const next = await emit(5);
    expect((await live).id).toBe(next);
    expect(gaps).toBe(0);
  });

  test('a quiet stream takes its position at subscribe, so a drop before its next event is no gap', async () => {
    await using server = await serverResource(createHub(market, hubOptions));
    const before = await server.hub.streams.announcements.emit('notice', { text: 'before' });
    using client = makeClient(server.url);
    using sub = client.announcements.subscribe();
    await nextEvent(sub, 'open');
    let gaps = 0;
    sub.addEventListener('gap', () => gaps++);
    if (name === 'eventsource') {
      // An EventSource keeps a position frame's id to itself (the frame dispatches nothing): the
      // subscription has no position, and says so with a gap when it reopens after a drop (documented).
      const gap = nextEvent(sub, 'gap');
      server.destroySockets();
      expect([sub.lastEventId, (await gap).lastEventId]).toEqual([undefined, undefined]);
      return;
    }
    // The position frame dispatches no event: poll.
    await vi.waitFor(() => expect(sub.lastEventId).toBe(before), { timeout: 10_000, interval: 10 });
    const reopened = nextEvent(sub, 'open');
    const replayed = nextEvent(sub, 'notice');
    server.destroySockets();
    const missed = await server.hub.streams.announcements.emit('notice', { text: 'while away' });
    await reopened;
    const notice = await replayed;
    expect([notice.id, notice.data.text]).toEqual([missed, 'while away']);
    expect(gaps).toBe(0);
  });

  test('a 403 surfaces as TidingsHttpError and is not retried', async () => {
    await using server = await serverResource(createHub(market, { ...hubOptions, authorize: () => false }));
    using client = makeClient(server.url);
    const sub = client.ticker.subscribe({ symbol: 'ACME' });
    const { error } = await nextEvent(sub, 'close');
    expect(error).toBeInstanceOf(TidingsHttpError);
    expect(error).toMatchObject({ status: 403 });
    expect(sub.status).toBe('closed');
    // Absence: a retry would come within maxDelayMs (200 ms); no event can show that none does.
    await absenceWindow(500);
    expect(server.requests()).toBe(1);
  });

  test('no request after close(), and the server sees the connection end', async () => {
    await using server = await serverResource(createHub(market, hubOptions));
    using client = makeClient(server.url);
    const sub = client.ticker.subscribe({ symbol: 'ACME' });
    const other = client.announcements.subscribe();
    await Promise.all([nextEvent(sub, 'open'), nextEvent(other, 'open')]);
    // Multiplexed, both subscriptions share one connection.
    expect(server.hub.stats()).toMatchObject({
      connections: name.startsWith('multiplexed') ? 1 : 2,
      subscriptions: 2,
    });
    sub.close();
    client.close();
    const count = server.requests();
    await vi.waitFor(() => expect(server.hub.stats().connections).toBe(0), { timeout: 10_000, interval: 10 });
    await server.hub.streams.announcements.emit('notice', { text: 'late' });
    // Absence: a reconnect would come within maxDelayMs (200 ms); no event can show that none does.
    await absenceWindow(500);
    expect(server.requests()).toBe(count);
    expect(other.status).toBe('closed');
  });
});

describe('end to end: resume and errors (fetch transport)', () => {
  test('the server restarts on the same port and the client carries on', async () => {
    const first = await serverResource(createHub(market, hubOptions));
    const { port } = first;
    using client = createMarketClient({ multiplex: false, baseUrl: first.url, reconnect: fast });
    using sub = client.announcements.subscribe();
    await nextEvent(sub, 'open');
    const before = nextEvent(sub, 'notice');
    await first.hub.streams.announcements.emit('notice', { text: 'before' });
    expect((await before).data.text).toBe('before');
    const reconnecting = nextEvent(sub, 'error');
    await first[Symbol.asyncDispose]();
    await reconnecting;
    const reopened = nextEvent(sub, 'open', 15_000);
    const gap = nextEvent(sub, 'gap', 15_000);
    await using second = await serverResource(createHub(market, hubOptions), { port });
    await reopened;
    // The new server never issued the client's last id, so it cannot vouch for what came after it.
    expect((await gap).lastEventId).toBe(sub.lastEventId);
    const after = nextEvent(sub, 'notice');
    await second.hub.streams.announcements.emit('notice', { text: 'after' });
    expect((await after).data.text).toBe('after');
    expect(sub.status).toBe('open');
  });

  test('gap surfaces when the resume point has left the history', async () => {
    await using server = await serverResource(createHub(market, hubOptions));
    const ids: string[] = [];
    for (let i = 0; i < 10; i++) {
      ids.push(await server.hub.streams.announcements.emit('notice', { text: String(i) }));
    }
    using client = createMarketClient({ multiplex: false, baseUrl: server.url, reconnect: fast });
    using sub = client.announcements.subscribe({ lastEventId: ids[0] });
    const gap = nextEvent(sub, 'gap');
    const replayed = collect(sub, 'notice', 3);
    expect(await gap).toMatchObject({ type: 'gap', lastEventId: ids[0] });
    expect((await replayed).map((e) => e.data.text)).toEqual(['7', '8', '9']);
    expect(sub.lastEventId).toBe(ids[9]);
  });

  test('validate: true reports a payload that does not match as an error event instead of delivering it', async () => {
    const drifted = defineContract({
      ticker: defineStream({
        path: '/ticker/:symbol',
        events: {
          quote: z.object({ price: z.string(), at: z.string() }),
          halted: z.object({ reason: z.string() }),
        },
      }),
    });
    await using server = await serverResource(createHub(drifted, hubOptions));
    using client = createClient(market, {
      multiplex: false,
      baseUrl: server.url,
      validate: true,
      reconnect: fast,
    });
    using sub = client.ticker.subscribe({ symbol: 'ACME' });
    await nextEvent(sub, 'open');
    const quotes: unknown[] = [];
    sub.addEventListener('quote', (e) => quotes.push(e.data));
    const error = nextEvent(sub, 'error');
    const halted = nextEvent(sub, 'halted');
    await server.hub.streams.ticker.emit({ symbol: 'ACME' }, 'quote', { price: 'cheap', at: 'now' });
    await server.hub.streams.ticker.emit({ symbol: 'ACME' }, 'halted', { reason: 'after' });
    const { error: invalid, fatal } = await error;
    expect(invalid).toBeInstanceOf(TidingsValidationError);
    expect(invalid.message).toMatch(/stream "ticker", event "quote" .* does not match the contract: price: /);
    expect(fatal).toBe(false);
    expect((await halted).data.reason).toBe('after');
    expect(quotes).toEqual([]);
    expect(server.hub.stats().contractMismatches).toBe(1);
  });

  test('headers() runs on every (re)connect, so a refreshed token keeps the stream position', async () => {
    const tokens: string[] = [];
    await using server = await serverResource(
      createHub(market, {
        ...hubOptions,
        authorize: ({ request }) => {
          tokens.push(String(request.headers.authorization));
          return true;
        },
      }),
    );
    let n = 0;
    using client = createMarketClient({
      multiplex: false,
      baseUrl: server.url,
      reconnect: fast,
      headers: async () => ({ authorization: `Bearer ${++n}` }),
    });
    using sub = client.announcements.subscribe();
    await nextEvent(sub, 'open');
    const delivered = nextEvent(sub, 'notice');
    const first = await server.hub.streams.announcements.emit('notice', { text: 'a' });
    expect((await delivered).id).toBe(first);
    expect(sub.lastEventId).toBe(first);
    const reopened = nextEvent(sub, 'open');
    server.destroySockets();
    await reopened;
    expect(tokens).toEqual(['Bearer 1', 'Bearer 2']);
    expect(sub.lastEventId).toBe(first);
  });
});
