import { market } from '@tidings/test-kit/contract';
import { absenceWindow, within } from '@tidings/test-kit/wait';
import { describe, expect, test } from 'vitest';
import { createMarketClient, marketDescriptor } from '../test/fixtures/market-client.ts';
import { frame, openStream, rawServer } from '../test/helpers/raw-server.ts';
import { collect, nextEvent } from '../test/helpers/subscription-events.ts';
import { createClient, TidingsContractError, TidingsError, TidingsValidationError } from './index.ts';

const fast = { initialDelayMs: 10, maxDelayMs: 50 };

describe('createClient checks its options', () => {
  test('validate: true needs schemas: a descriptor is refused at createClient', () => {
    expect(() =>
      createClient(marketDescriptor, { multiplex: false, baseUrl: 'http://h', validate: true }),
    ).toThrow(TidingsContractError);
    expect(() =>
      createClient(marketDescriptor, { multiplex: false, baseUrl: 'http://h', validate: true }),
    ).toThrow(/^@tidings\/client: validate: true needs the contract's schemas; a descriptor has none/);
    expect(() =>
      createClient(market, { multiplex: false, baseUrl: 'http://h', validate: true }),
    ).not.toThrow();
  });

  test('the eventsource transport refuses headers; bad reconnect settings name both values', () => {
    class FakeEventSource {
      readyState = 0;
      addEventListener() {}
      close() {}
    }
    const base = { baseUrl: 'http://h', transport: 'eventsource', EventSource: FakeEventSource } as const;
    expect(() =>
      createClient(market, { multiplex: false, ...base, headers: { authorization: 'x' } }),
    ).toThrow(/^@tidings\/client: transport "eventsource" cannot send headers/);
    expect(() =>
      createClient(market, {
        multiplex: false,
        baseUrl: 'http://h',
        transport: 'eventsource',
        EventSource: undefined,
      }),
    ).toThrow(/no EventSource on this platform; pass options.EventSource/);
    expect(() =>
      createClient(market, {
        multiplex: false,
        baseUrl: 'http://h',
        reconnect: { initialDelayMs: 500, maxDelayMs: 100 },
      }),
    ).toThrow('reconnect.maxDelayMs (100) is below reconnect.initialDelayMs (500)');
    expect(() =>
      createClient(market, {
        multiplex: false,
        baseUrl: 'http://h',
        transport: 'websocket' as unknown as 'fetch',
      }),
    ).toThrow(`unknown transport "websocket". Use 'fetch' or 'eventsource'.`);
  });

  test('a query on a stream that declares none is refused, naming the stream and keys', () => {
    using client = createClient(market, { multiplex: false, baseUrl: 'http://127.0.0.1:9' });
    expect(() => client.announcements.subscribe({ query: { depth: 1 } })).toThrow(
      '@tidings/client: stream "announcements" declares no query, but subscribe() got query keys [depth].',
    );
  });
});

describe('subscription lifecycle', () => {
  test('validate: true reports a payload that does not match as an error event and skips it', async () => {
    await using server = await rawServer((_req, res) => {
      openStream(res);
      res.write(frame('1-0', 'quote', { price: 'high', at: 'now' }));
      res.write(frame('1-1', 'quote', { price: 2, at: 'now' }));
    });
    using client = createClient(market, { multiplex: false, baseUrl: server.url, validate: true });
    using sub = client.ticker.subscribe({ symbol: 'ACME' });
    const quotes: unknown[] = [];
    sub.addEventListener('quote', (e) => quotes.push(e.data));
    const quote = nextEvent(sub, 'quote');
    const error = await nextEvent(sub, 'error');
    expect(error.fatal).toBe(false);
    expect(error.error).toBeInstanceOf(TidingsValidationError);
    expect(error.error.message).toMatch(
      /^@tidings\/client: stream "ticker", event "quote" \(id 1-0\) does not match/,
    );
    expect(error.error.message).toContain('price:');
    await quote;
    expect(quotes).toEqual([{ price: 2, at: 'now' }]);
    expect(sub.lastEventId).toBe('1-1');
  });

  test('gap frames surface as gap events and do not move lastEventId', async () => {
    await using server = await rawServer((_req, res) => {
      openStream(res);
      res.write(`event: gap\ndata: ${JSON.stringify({ lastEventId: '1-0', oldestAvailableId: '7-0' })}\n\n`);
      res.write(frame('7-0', 'notice', { text: 'after gap' }));
    });
    using client = createMarketClient({ multiplex: false, baseUrl: server.url });
    using sub = client.announcements.subscribe({ lastEventId: '1-0' });
    const gap = nextEvent(sub, 'gap');
    const notice = nextEvent(sub, 'notice');
    expect(await gap).toEqual({ type: 'gap', lastEventId: '1-0', oldestAvailableId: '7-0' });
    expect((await notice).id).toBe('7-0');
  });

  test('a stream that reopens before any event gave it a position reports a gap; one with a position does not', async () => {
    await using server = await rawServer((_req, res, index) => {
      openStream(res);
      res.write('retry: 10\n\n');
      if (index === 1) res.write(frame('4-0', 'notice', { text: 'first' }));
      if (index < 2) res.end();
    });
    using client = createMarketClient({ multiplex: false, baseUrl: server.url });
    using sub = client.announcements.subscribe();
    const gaps: unknown[] = [];
    sub.addEventListener('gap', (e) => gaps.push(e));
    await collect(sub, 'open', 3);
    expect(gaps).toEqual([{ type: 'gap', lastEventId: undefined, oldestAvailableId: undefined }]);
    expect(server.requests[2]?.headers['last-event-id']).toBe('4-0');
  });

  test('async iteration yields events in order and ends on close()', async () => {
    await using server = await rawServer((_req, res) => {
      openStream(res);
      for (let i = 0; i < 5; i++)
        res.write(
          frame(`1-${i}`, i % 2 ? 'halted' : 'quote', i % 2 ? { reason: `r${i}` } : { price: i, at: '' }),
        );
    });
    using client = createMarketClient({ multiplex: false, baseUrl: server.url });
    const sub = client.ticker.subscribe({ symbol: 'ACME' });
    const seen: string[] = [];
    for await (const ev of sub) {
      seen.push(ev.type === 'halted' ? ev.data.reason : `p${ev.data.price}`);
      if (seen.length === 5) sub.close();
    }
    expect(seen).toEqual(['p0', 'r1', 'p2', 'r3', 'p4']);
    expect(sub.status).toBe('closed');
  });

  test('async iteration throws the error that closed the subscription', async () => {
    await using server = await rawServer((_req, res) => {
      res.writeHead(404);
      res.end();
    });
    using client = createMarketClient({ multiplex: false, baseUrl: server.url });
    const sub = client.announcements.subscribe();
    await expect(async () => {
      for await (const _ of sub) expect.unreachable();
    }).rejects.toMatchObject({ status: 404 });
  });

  test('close() during backoff, an aborted signal and client.close() stop all network activity', async () => {
    await using server = await rawServer((_req, res) => {
      res.writeHead(500);
      res.end();
    });
    using client = createMarketClient({
      multiplex: false,
      baseUrl: server.url,
      reconnect: { initialDelayMs: 20, maxDelayMs: 40 },
    });
    const sub = client.announcements.subscribe();
    await nextEvent(sub, 'error');
    sub.close();
    const controller = new AbortController();
    const viaSignal = client.ticker.subscribe({ symbol: 'ACME' }, { signal: controller.signal });
    await nextEvent(viaSignal, 'error');
    controller.abort();
    const viaClient = client.ticker.subscribe({ symbol: 'ZZZ' });
    await nextEvent(viaClient, 'error');
    client.close();
    const count = server.requests.length;
    // Absence: a reconnect would come within maxDelayMs (40 ms); no event can show that none does.
    await absenceWindow(400);
    expect(server.requests.length).toBe(count);
    expect([sub.status, viaSignal.status, viaClient.status]).toEqual(['closed', 'closed', 'closed']);
    expect(() => client.announcements.subscribe()).toThrow(TidingsError);
  });

  test('close() while headers() is pending sends no request; an aborted signal never connects', async () => {
    await using server = await rawServer((_req, res) => openStream(res));
    let release: (headers: Record<string, string>) => void = () => {};
    using client = createMarketClient({
      multiplex: false,
      baseUrl: server.url,
      headers: () => new Promise((resolve) => (release = resolve)),
    });
    const sub = client.announcements.subscribe();
    const closed = nextEvent(sub, 'close');
    sub.close();
    expect((await closed).error).toBeUndefined();
    release({});
    const aborted = client.announcements.subscribe({ signal: AbortSignal.abort() });
    expect(aborted.status).toBe('closed');
    // Absence: a request would go out as soon as headers() resolved; no event can show that none does.
    await absenceWindow(100);
    expect(server.requests).toHaveLength(0);
  });

  test('reconnect: false closes with the error when the connection drops', async () => {
    await using server = await rawServer((_req, res) => {
      openStream(res);
      res.end(frame('1-0', 'notice', { text: 'bye' }));
    });
    using client = createMarketClient({ multiplex: false, baseUrl: server.url, reconnect: false });
    const sub = client.announcements.subscribe();
    await nextEvent(sub, 'close');
    expect(sub.status).toBe('closed');
    expect(sub.lastEventId).toBe('1-0');
    expect(server.requests).toHaveLength(1);
  });

  test('maxAttempts gives up after that many failed reconnects', async () => {
    await using server = await rawServer((_req, res) => {
      res.writeHead(502);
      res.end();
    });
    using client = createMarketClient({
      multiplex: false,
      baseUrl: server.url,
      reconnect: { ...fast, maxAttempts: 2 },
    });
    const sub = client.announcements.subscribe();
    const { error } = await nextEvent(sub, 'close');
    expect(error).toMatchObject({ status: 502 });
    expect(server.requests).toHaveLength(3);
  });

  test('a listener that throws does not stop delivery to the others', async () => {
    await using server = await rawServer((_req, res) => {
      openStream(res);
      res.write(frame('1-0', 'notice', { text: 'x' }));
    });
    using client = createMarketClient({ multiplex: false, baseUrl: server.url });
    using sub = client.announcements.subscribe();
    const thrown = new Promise<unknown>((resolve) => {
      const previous = process.listeners('uncaughtException');
      process.removeAllListeners('uncaughtException');
      process.once('uncaughtException', (error) => {
        for (const listener of previous) process.on('uncaughtException', listener);
        resolve(error);
      });
    });
    sub.addEventListener('notice', () => {
      throw new Error('listener bug');
    });
    const second = nextEvent(sub, 'notice');
    expect((await second).data.text).toBe('x');
    expect(await within(thrown, 10_000, 'the listener error')).toMatchObject({ message: 'listener bug' });
  });
});
