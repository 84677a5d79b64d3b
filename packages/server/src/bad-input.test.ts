import { market } from '@tidings/test-kit/contract';
import { getRequest, rawSocket } from '@tidings/test-kit/raw-socket';
import { serverResource } from '@tidings/test-kit/server';
import { openSse, type SseStream } from '@tidings/test-kit/sse';
import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import { createHub } from './create-hub.ts';
import { memoryBroker } from './memory-broker.ts';

async function injectApp() {
  const hub = createHub(market);
  const app = Fastify();
  await app.register(hub.plugin, { prefix: '/streams' });
  return { hub, app, [Symbol.asyncDispose]: () => app.close() };
}

describe('bad input from the network', () => {
  it('answers 404 for a path that is not a stream, and serves nothing outside the prefix', async () => {
    await using ctx = await injectApp();
    for (const url of [
      '/streams/nope',
      '/ticker/ACME',
      '/streams/ticker/ACME/more',
      '/streams/rooms/a/b',
      '/streams/',
    ]) {
      const res = await ctx.app.inject(url);
      expect(res.statusCode, url).toBe(404);
      expect(res.json(), url).toMatchObject({ statusCode: 404 });
    }
    expect((await ctx.app.inject({ method: 'POST', url: '/streams/announcements' })).statusCode).toBe(404);
  });

  it('answers 400 with the schema issues for invalid params', async () => {
    await using ctx = await injectApp();
    // A dot segment (`..`, `%2E%2E`) is resolved by the URL parser before routing: 404, tested above.
    for (const symbol of ['acme', 'TOOLONG', 'A%2FB', '%00', 'A%20', 'x'.repeat(90)]) {
      const res = await ctx.app.inject(`/streams/ticker/${symbol}`);
      expect(res.statusCode, symbol).toBe(400);
      expect(res.headers['content-type']).toMatch(/^application\/json/);
      const body = res.json();
      expect(body, symbol).toMatchObject({ error: 'invalid_params', location: 'params' });
      expect(body.issues[0], symbol).toMatchObject({ path: ['symbol'] });
      expect(typeof body.issues[0].message).toBe('string');
    }
  });

  it('answers 400 with the schema issues for an invalid query, and never 500 for odd ones', async () => {
    await using ctx = await injectApp();
    for (const query of ['depth=500', 'depth=abc', 'depth=1.5', 'depth=1&depth=2']) {
      const res = await ctx.app.inject(`/streams/ticker/ACME?${query}`);
      expect(res.statusCode, query).toBe(400);
      expect(res.json(), query).toMatchObject({ error: 'invalid_params', location: 'query' });
      expect(res.json().issues.length, query).toBeGreaterThan(0);
    }
    for (const query of [
      '__proto__=x&constructor=y',
      '__proto__[depth]=1',
      `x=${'y'.repeat(10_000)}`,
      '%zz',
    ]) {
      const res = await ctx.app.inject({ url: `/streams/ticker/ACME?${query}`, payloadAsStream: true });
      expect(res.statusCode, query).toBeLessThan(500);
      res.stream().destroy();
    }
  });

  it("never delivers another topic's events to params that try to reach it (A/B, .., %2F, NUL, 10 KB)", async () => {
    await using hub = createHub(market);
    await using server = await serverResource(hub);
    const hostile = [
      'a%2Fb',
      '..',
      '.',
      '%2E%2E',
      'a%2F..%2Fb',
      '%00',
      'a%00b',
      'a%3Fb%3Dc',
      'a%26b',
      '%25',
      'x'.repeat(10_000),
    ];
    const open: { value: string; stream: SseStream }[] = [];
    for (const segment of hostile) {
      const stream = await openSse(`${server.url}/rooms/${segment}`);
      if (stream.status === 200) open.push({ value: decodeURIComponent(segment), stream });
      else {
        expect(stream.status, segment).toBeGreaterThanOrEqual(400);
        expect(stream.status, segment).toBeLessThan(500);
        stream.close();
      }
    }
    expect(open.length).toBeGreaterThanOrEqual(8);
    await using _streams = {
      [Symbol.asyncDispose]: async () => {
        for (const { stream } of open) stream.close();
      },
    };
    for (const victim of ['a', 'b', 'c', 'a/b/', '/', '', 'a b', 'x'.repeat(100)]) {
      await hub.streams.room.emit({ room: victim }, 'say', { text: `victim ${victim}` });
    }
    await hub.streams.announcements.emit('notice', { text: 'announcement' });
    const values = new Set(open.map(({ value }) => value));
    for (const value of values) {
      expect(hub.streams.room.subscriberCount({ room: value }), JSON.stringify(value)).toBeGreaterThan(0);
      await hub.streams.room.emit({ room: value }, 'say', { text: `own ${value}` });
    }
    for (const { value, stream } of open) {
      const events = await stream.until(1);
      expect(
        events.map((event) => JSON.parse(event.data).text),
        JSON.stringify(value),
      ).toEqual([`own ${value}`]);
    }
  });

  it('ignores a garbage or 1 MB Last-Event-ID: a fresh subscribe, or 431 from Node, never a 500', async () => {
    const hub = createHub(market);
    await using server = await serverResource(hub, { fastify: { http: { maxHeaderSize: 4 * 1024 * 1024 } } });
    const huge = '9'.repeat(1024 * 1024);
    for (const value of [huge, `${huge}-1`, '\u00ff\u00fe', 'null', '1-1, 2-2']) {
      await using stream = await openSse(`${server.url}/rooms/r`, { 'last-event-id': value });
      expect(stream.status).toBe(200);
      const id = await hub.streams.room.emit({ room: 'r' }, 'say', { text: 'live' });
      expect((await stream.until(1))[0]?.id).toBe(id);
    }
    expect(hub.stats()).toMatchObject({ replaysServed: 0, gapsSignalled: 0 });

    const strict = createHub(market);
    await using small = await serverResource(strict);
    await using socket = await rawSocket(
      small.port,
      getRequest('/streams/rooms/r', { 'last-event-id': huge }),
    );
    const head = await socket.when((got) => got.includes('\r\n'), 'a status line');
    expect(head).toMatch(/^HTTP\/1\.1 431 /);
    await using after = await openSse(`${small.url}/rooms/r`);
    expect(after.status).toBe(200);
  });

  it('survives a garbage 10 KB contract fingerprint', async () => {
    const hub = createHub(market);
    await using server = await serverResource(hub);
    await using stream = await openSse(`${server.url}/announcements`, {
      'x-tidings-contract': 'z'.repeat(10_000),
    });
    expect(stream.status).toBe(200);
    expect(hub.stats().contractMismatches).toBe(1);
  });
});

describe('bad input from the program', () => {
  it('rejects an invalid payload with TidingsValidationError naming stream, event and field, and sends nothing', async () => {
    const broker = memoryBroker();
    await using hub = createHub(market, { broker });
    const error = await hub.streams.ticker
      .emit({ symbol: 'ACME' }, 'quote', { price: 'high' as unknown as number })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'TidingsValidationError', code: 'VALIDATION_FAILED' });
    expect((error as Error).message).toMatch(
      /^@tidings\/server: stream "ticker", event "quote": invalid payload — price: .+Nothing was sent\.$/,
    );
    expect((error as { issues: unknown[] }).issues[0]).toMatchObject({ path: ['price'] });
    expect((await broker.replay({ key: 'ticker?symbol=sACME', history: 1000 }, '0-0')).events).toEqual([]);
    expect(hub.stats().eventsEmitted).toBe(0);
    await broker.close();
  });

  it('throws TidingsContractError at run time for an event or a stream not in the contract', async () => {
    await using hub = createHub(market);
    const untyped = hub.streams.announcements.emit as (event: string, data: unknown) => Promise<string>;
    await expect(untyped('tick', {})).rejects.toMatchObject({
      name: 'TidingsContractError',
      code: 'UNKNOWN_EVENT',
      message:
        '@tidings/server: event "tick" is not declared on stream "announcements" (declared: "notice"). Add it to the contract or fix the emit call.',
    });
    const streams = hub.streams as unknown as Record<string, unknown>;
    expect(() => streams['clock']).toThrow(
      '@tidings/server: stream "clock" is not in the contract (streams: "ticker", "announcements", "room"). Add it to the contract or fix the name.',
    );
    expect('clock' in streams).toBe(false);
    expect(Object.keys(streams)).toEqual(['ticker', 'announcements', 'room']);
    // Probes from tools (await, JSON, matchers) do not throw.
    expect(streams['then']).toBeUndefined();
    expect(JSON.parse(JSON.stringify(streams))).toEqual({ ticker: {}, announcements: {}, room: {} });
  });

  it('writes nothing to subscribers for an invalid emit', async () => {
    const hub = createHub(market);
    await using server = await serverResource(hub);
    await using stream = await openSse(`${server.url}/ticker/ACME`);
    await expect(
      hub.streams.ticker.emit({ symbol: 'ACME' }, 'quote', { price: Number.NaN, at: 5 as unknown as string }),
    ).rejects.toMatchObject({ name: 'TidingsValidationError' });
    const id = await hub.streams.ticker.emit({ symbol: 'ACME' }, 'quote', { price: 2 });
    const events = await stream.until(1);
    expect(events).toEqual([{ id, event: 'quote', data: '{"price":2}' }]);
    expect(hub.stats().framesWritten).toBe(1);
  });
});
