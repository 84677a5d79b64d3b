import { createHub } from '@tidings/server';
import { market } from '@tidings/test-kit/contract';
import { serverResource } from '@tidings/test-kit/server';
import { EventSource } from 'eventsource';
import { describe, expect, test, vi } from 'vitest';
import { type TidingsClient, TidingsHttpError } from '../src/index.ts';
import { createMarketClient, type MarketShape } from './fixtures/market-client.ts';
import { collect, nextEvent } from './helpers/subscription-events.ts';

const fast = { initialDelayMs: 20, maxDelayMs: 200 };
const transports = [
  ['fetch', (url: string) => createMarketClient({ baseUrl: url, reconnect: fast })],
  [
    'eventsource',
    (url: string) =>
      createMarketClient({ baseUrl: url, reconnect: fast, transport: 'eventsource', EventSource }),
  ],
] as const satisfies readonly (readonly [string, (url: string) => TidingsClient<MarketShape>])[];

/** Ticker symbols of `count` topics: TA, TB, … */
const symbols = (count: number) => Array.from({ length: count }, (_, i) => `T${String.fromCharCode(65 + i)}`);

describe.each(transports)('many subscriptions over one connection (%s transport)', (_name, makeClient) => {
  test('the typed API is unchanged; the server holds one connection for all of them', async () => {
    await using server = await serverResource(createHub(market, { retryMs: 50 }));
    using client = makeClient(server.url);
    const acme = client.ticker.subscribe({ symbol: 'ACME' });
    const nova = client.ticker.subscribe({ symbol: 'NOVA' });
    const again = client.ticker.subscribe({ symbol: 'ACME' });
    const news = client.announcements.subscribe();
    await Promise.all([
      nextEvent(acme, 'open'),
      nextEvent(nova, 'open'),
      nextEvent(again, 'open'),
      nextEvent(news, 'open'),
    ]);
    expect(server.hub.stats()).toMatchObject({
      connections: 1,
      subscriptions: 3,
      subscribers: { ticker: 2, announcements: 1 },
    });

    const quotes = collect(acme, 'quote', 2);
    const twice = collect(again, 'quote', 2);
    const halted = nextEvent(nova, 'halted');
    const notice = nextEvent(news, 'notice');
    const ids = [
      await server.hub.streams.ticker.emit({ symbol: 'ACME' }, 'quote', { price: 1 }),
      await server.hub.streams.ticker.emit({ symbol: 'NOVA' }, 'halted', { reason: 'auction' }),
      await server.hub.streams.announcements.emit('notice', { text: 'hello' }),
      await server.hub.streams.ticker.emit({ symbol: 'ACME' }, 'quote', { price: 2 }),
    ];
    expect((await quotes).map((e) => [e.id, e.data.price])).toEqual([
      [ids[0], 1],
      [ids[3], 2],
    ]);
    expect((await twice).map((e) => e.id)).toEqual([ids[0], ids[3]]);
    expect((await halted).data.reason).toBe('auction');
    expect((await notice).data).toEqual({ text: 'hello', level: 'info' });
    expect(acme.lastEventId).toBe(ids[3]);
  });

  test('a refused subscription gets its own typed error and closes; the others go on', async () => {
    const hub = createHub(market, {
      authorize: ({ stream, params }) =>
        stream !== 'ticker' || (params as { symbol: string }).symbol !== 'VIP',
    });
    await using server = await serverResource(hub);
    using client = makeClient(server.url);
    const open = client.ticker.subscribe({ symbol: 'ACME' });
    const vip = client.ticker.subscribe({ symbol: 'VIP' });
    const invalid = client.ticker.subscribe({ symbol: 'no' });
    const [refused, bad] = await Promise.all([
      nextEvent(vip, 'close'),
      nextEvent(invalid, 'close'),
      nextEvent(open, 'open'),
    ]);
    expect(refused.error).toBeInstanceOf(TidingsHttpError);
    expect(refused.error).toMatchObject({ status: 403, body: { error: 'forbidden', stream: 'ticker' } });
    expect(bad.error).toMatchObject({ status: 400, body: { error: 'invalid_params', location: 'params' } });
    expect([vip.status, invalid.status, open.status]).toEqual(['closed', 'closed', 'open']);
    const quote = nextEvent(open, 'quote');
    const id = await hub.streams.ticker.emit({ symbol: 'ACME' }, 'quote', { price: 3 });
    expect((await quote).id).toBe(id);
    // The refusals changed the list; the connection before it closes once the new one serves.
    await vi.waitFor(() => expect(hub.stats()).toMatchObject({ connections: 1, subscriptions: 1 }), {
      timeout: 10_000,
      interval: 10,
    });
  });

  test('a change of the list loses nothing of a subscription that had no position yet (make before break)', async () => {
    const hub = createHub(market, { retryMs: 50 });
    let emitted: Promise<string> | undefined;
    await using server = await serverResource(hub, {
      before: (app) => {
        // The moment the new list arrives, before its subscriptions exist: only the old connection can carry this event.
        app.addHook('onRequest', async (request) => {
          const list = (request.query as { s?: string }).s;
          if (emitted === undefined && list !== undefined && JSON.parse(list).length === 2) {
            emitted = hub.streams.room.emit({ room: 'empty' }, 'say', { text: 'in between' });
            await emitted;
          }
        });
      },
    });
    using client = makeClient(server.url);
    const quiet = client.room.subscribe({ room: 'empty' });
    const says: string[] = [];
    quiet.addEventListener('say', (e) => says.push(e.id));
    await nextEvent(quiet, 'open');
    const other = client.ticker.subscribe({ symbol: 'ACME' });
    await nextEvent(other, 'open');
    const first = await emitted!;
    const second = await hub.streams.room.emit({ room: 'empty' }, 'say', { text: 'after' });
    await vi.waitFor(() => expect(says.length).toBeGreaterThanOrEqual(2), { timeout: 10_000, interval: 10 });
    expect(says).toEqual([first, second]);
    expect(quiet.lastEventId).toBe(second);
  });

  test('the set changes 200 times while events flow on 20 topics: every subscription open throughout sees every id once, in order', async () => {
    const hub = createHub(market, { retryMs: 50 });
    await using server = await serverResource(hub);
    using client = makeClient(server.url);
    const topics = symbols(20);
    const seen = new Map<string, string[]>();
    const steady = topics.map((symbol) => {
      const sub = client.ticker.subscribe({ symbol });
      const ids: string[] = [];
      seen.set(symbol, ids);
      sub.addEventListener('quote', (e) => ids.push(e.id));
      return sub;
    });
    await Promise.all(steady.map((sub) => nextEvent(sub, 'open')));

    const emitted = new Map<string, string[]>(topics.map((symbol) => [symbol, []]));
    let emitting = true;
    let capped = false;
    const emitter = (async () => {
      for (let n = 0; emitting; n++) {
        if (n === 100_000) {
          capped = true;
          return;
        }
        const symbol = topics[n % topics.length]!;
        emitted.get(symbol)!.push(await hub.streams.ticker.emit({ symbol }, 'quote', { price: n, n }));
        if (n % 20 === 19) await new Promise((resolve) => setTimeout(resolve, 1));
      }
    })();
    const requestsBefore = server.requests();

    const churn: { close(): void }[] = [];
    try {
      for (let change = 0; change < 200; change++) {
        if (change % 2 === 0 || churn.length === 0) {
          const sub = client.ticker.subscribe({ symbol: topics[(change * 7) % topics.length]! });
          churn.push(sub);
          await nextEvent(sub, 'open');
        } else {
          churn.shift()!.close();
          await new Promise((resolve) => setTimeout(resolve, 0)); // the change is applied within a tick
        }
      }
      // The changes reached the server as new lists (one that comes while channels still move to the
      // last one waits and goes with the next: at least one list for two changes), and events flowed all along.
      await vi.waitFor(() => expect(server.requests() - requestsBefore).toBeGreaterThanOrEqual(100), {
        timeout: 10_000,
        interval: 10,
      });
      expect(capped).toBe(false);
    } finally {
      emitting = false;
      await emitter;
    }
    for (const symbol of topics) {
      const expected = emitted.get(symbol)!;
      await vi.waitFor(() => expect(seen.get(symbol)!.length).toBeGreaterThanOrEqual(expected.length), {
        timeout: 15_000,
        interval: 20,
      });
      expect(seen.get(symbol)).toEqual(expected);
    }
    // The last switch completes: one connection again.
    await vi.waitFor(() => expect(hub.stats().connections).toBe(1), { timeout: 10_000, interval: 10 });
  }, 60_000);
});
