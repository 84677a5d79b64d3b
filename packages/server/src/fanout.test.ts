import { market } from '@tidings/test-kit/contract';
import { eventSourceClient } from '@tidings/test-kit/event-source';
import { dechunk, getRequest, rawSocket } from '@tidings/test-kit/raw-socket';
import { serverResource } from '@tidings/test-kit/server';
import { openSse } from '@tidings/test-kit/sse';
import { describe, expect, it, vi } from 'vitest';
import { createHub } from './create-hub.ts';
import { countingBroker } from './test-support/counting-broker.ts';

describe('fan-out', () => {
  it('delivers typed events to a WHATWG EventSource, with the id emit resolved to', async () => {
    await using hub = createHub(market);
    await using server = await serverResource(hub);
    using source = eventSourceClient(`${server.url}/ticker/ACME`, { types: ['quote'] });
    await source.opened();
    const id = await hub.streams.ticker.emit({ symbol: 'ACME' }, 'quote', { price: 1.25, at: 'now' });
    await source.until((events) => events.length >= 1, 'the quote');
    const [event] = source.events;
    expect(event?.id).toBe(id);
    expect(JSON.parse(event!.data)).toEqual({ price: 1.25, at: 'now' });
  });

  it('writes the exact wire format and coalesces one turn of emits into one write per socket', async () => {
    await using hub = createHub(market);
    await using server = await serverResource(hub);
    await using socket = await rawSocket(server.port, getRequest('/streams/ticker/ACME'));
    await socket.when((got) => got.includes('retry: 2000\n\n'), 'stream open');
    const ids = await Promise.all(
      Array.from({ length: 16 }, (_, i) =>
        hub.streams.ticker.emit({ symbol: 'ACME' }, 'quote', { price: i }),
      ),
    );
    const frames = ids.map((id, i) => `id: ${id}\nevent: quote\ndata: {"price":${i}}\n\n`).join('');
    await socket.when((got) => dechunk(got).chunks.join('').endsWith(frames), '16 frames');
    const { head, chunks } = dechunk(socket.received());
    expect(head).toMatch(/^HTTP\/1\.1 200 OK\r\n/);
    expect(head.toLowerCase()).toContain('transfer-encoding: chunked');
    expect(chunks).toEqual(['retry: 2000\n\n', frames]);
    expect(hub.stats().framesWritten).toBe(16);
  });

  it('serves an HTTP/1.0 client without chunked framing', async () => {
    await using hub = createHub(market);
    await using server = await serverResource(hub);
    const request = 'GET /streams/announcements HTTP/1.0\r\nhost: 127.0.0.1\r\n\r\n';
    await using socket = await rawSocket(server.port, request);
    await socket.when((got) => got.includes('retry: 2000\n\n'), 'stream open');
    const id = await hub.streams.announcements.emit('notice', { text: 'old client' });
    const frame = `id: ${id}\nevent: notice\ndata: {"text":"old client","level":"info"}\n\n`;
    await socket.when((got) => got.includes(frame), 'the frame');
    expect(socket.received()).toMatch(/^HTTP\/1\.1 200 OK\r\n/);
    expect(socket.received().toLowerCase()).not.toContain('transfer-encoding');
    expect(socket.received().endsWith(`\r\n\r\nretry: 2000\n\n${frame}`)).toBe(true);
  });

  it('ends a chunked stream cleanly, so the kept-alive socket serves the next request', async () => {
    await using hub = createHub(market, { heartbeatMs: 10 });
    await using server = await serverResource(hub);
    await using socket = await rawSocket(server.port, getRequest('/streams/announcements'));
    await socket.when((got) => got.includes(':\n\n'), 'a heartbeat');
    await hub.streams.announcements.emit('notice', { text: 'bye' });
    await socket.when((got) => got.includes('"bye"'), 'the event');
    await hub.drain({ windowMs: 0 });
    await socket.when((got) => got.includes('0\r\n\r\n'), 'the last chunk');
    const { chunks } = dechunk(socket.received());
    expect(chunks[0]).toBe('retry: 2000\n\n');
    expect(chunks.at(-1)).toBe('retry: 2000\n\n');
    expect(chunks.join('')).toContain('event: notice\n');
    const ended = socket.received().length;
    socket.socket.write(getRequest('/streams/nope'));
    const next = await socket.when(
      (got) => got.slice(ended).includes('"statusCode":404'),
      'the next response',
    );
    expect(next.slice(ended)).toMatch(/^HTTP\/1\.1 404 Not Found\r\n/);
  });

  it('makes one broker subscription per topic however many clients listen, and releases it when they leave', async () => {
    await using counting = countingBroker();
    await using hub = createHub(market, { broker: counting.broker });
    await using server = await serverResource(hub);
    const streams = await Promise.all(Array.from({ length: 20 }, () => openSse(`${server.url}/ticker/ACME`)));
    await using other = await openSse(`${server.url}/ticker/XYZ`);
    expect(counting.counts.subscribe).toBe(2);
    const id = await hub.streams.ticker.emit({ symbol: 'ACME' }, 'halted', { reason: 'news' });
    for (const stream of streams) {
      const [event] = await stream.until(1);
      expect(event).toEqual({ id, event: 'halted', data: '{"reason":"news"}' });
    }
    expect(hub.stats().framesWritten).toBe(20);
    expect(other.events).toEqual([]);
    for (const stream of streams) stream.close();
    await vi.waitFor(() => expect(counting.counts.unsubscribe).toBe(1), { timeout: 10_000, interval: 5 });
    expect(hub.stats()).toMatchObject({ connections: 1, subscribers: { ticker: 1 } });
    expect(hub.streams.ticker.subscriberCount({ symbol: 'ACME' })).toBe(0);
  });

  it('opens a stream only once its broker subscription is live, so nothing emitted after open is lost', async () => {
    await using counting = countingBroker({ holdSubscribe: true });
    await using hub = createHub(market, { broker: counting.broker });
    await using server = await serverResource(hub);
    let opened = false;
    const pending = openSse(`${server.url}/announcements`).then((stream) => {
      opened = true;
      return stream;
    });
    await vi.waitFor(() => expect(counting.counts.subscribe).toBe(1), { timeout: 10_000, interval: 5 });
    await server.app.inject('/streams/nope');
    expect(opened).toBe(false);
    counting.release();
    await using stream = await pending;
    const id = await hub.streams.announcements.emit('notice', { text: 'first' });
    expect((await stream.until(1))[0]?.id).toBe(id);
  });

  it('keeps topics apart, including params that look alike', async () => {
    await using hub = createHub(market);
    await using server = await serverResource(hub);
    await using lobby = await openSse(`${server.url}/rooms/lobby`);
    await using spaced = await openSse(`${server.url}/rooms/lobby%20`);
    await using encoded = await openSse(`${server.url}/rooms/lobby%3Fx%3D1`);
    await hub.streams.room.emit({ room: 'lobby ' }, 'say', { text: 'spaced' });
    await hub.streams.room.emit({ room: 'lobby?x=1' }, 'say', { text: 'encoded' });
    await hub.streams.room.emit({ room: 'lobby' }, 'say', { text: 'plain' });
    expect((await lobby.until(1)).map((e) => e.data)).toEqual(['{"text":"plain"}']);
    expect((await spaced.until(1)).map((e) => e.data)).toEqual(['{"text":"spaced"}']);
    expect((await encoded.until(1)).map((e) => e.data)).toEqual(['{"text":"encoded"}']);
  });

  it('sends heartbeats from one shared timer, as comments without an id', async () => {
    await using hub = createHub(market, { heartbeatMs: 25 });
    await using server = await serverResource(hub);
    await using a = await openSse(`${server.url}/announcements`);
    await using b = await openSse(`${server.url}/ticker/ACME`);
    await a.when(() => a.comments.length >= 3, '3 heartbeats on a');
    await b.when(() => b.comments.length >= 3, '3 heartbeats on b');
    expect(a.headers['x-tidings-heartbeat']).toBe('25');
    expect(a.body()).toMatch(/^retry: 2000\n\n(:\n\n)+$/);
    expect(a.events).toEqual([]);
  });

  it('cleans up on the response closing, not the request: no connection left behind', async () => {
    await using counting = countingBroker();
    await using hub = createHub(market, { broker: counting.broker });
    await using server = await serverResource(hub);
    for (let i = 0; i < 30; i++) {
      await using socket = await rawSocket(server.port, getRequest(`/streams/rooms/r${i}`));
      await socket.when((got) => got.includes('retry:'), 'open');
    }
    await vi.waitFor(() => expect(hub.stats().connections).toBe(0), { timeout: 10_000, interval: 5 });
    expect(counting.counts).toMatchObject({ subscribe: 30, unsubscribe: 30 });
    expect(hub.stats().subscribers).toEqual({ ticker: 0, announcements: 0, room: 0 });
  });
});
