import { connect } from 'node:http2';
import { market } from '@tidings/test-kit/contract';
import { sseReader } from '@tidings/test-kit/sse';
import { within } from '@tidings/test-kit/wait';
import Fastify from 'fastify';
import { expect, it } from 'vitest';
import { createHub } from './create-hub.ts';

it('serves streams over HTTP/2 cleartext (h2c) and ends them on app.close() without waiting for the session timeout', async () => {
  const hub = createHub(market);
  const app = Fastify({ http2: true });
  await app.register(hub.plugin, { prefix: '/streams' });
  const origin = await app.listen({ port: 0, host: '127.0.0.1' });
  await using _app = { [Symbol.asyncDispose]: () => app.close() };
  const session = connect(origin);
  using _session = { [Symbol.dispose]: () => session.destroy() };
  session.on('error', () => {});

  const request = session.request({ ':path': '/streams/ticker/ACME', accept: 'text/event-stream' });
  const headers = await within(
    new Promise<Record<string, unknown>>((resolve) => request.once('response', (h) => resolve(h))),
    10_000,
    'HTTP/2 response headers',
  );
  expect(headers[':status']).toBe(200);
  expect(headers['content-type']).toBe('text/event-stream; charset=utf-8');
  expect(headers['x-tidings-heartbeat']).toBe('15000');
  expect(headers['connection']).toBeUndefined();

  const reader = sseReader();
  request.setEncoding('utf8');
  request.on('data', (chunk: string) => reader.feed(chunk));
  const ended = new Promise<void>((resolve) => request.once('close', () => resolve()));

  const ids = [
    await hub.streams.ticker.emit({ symbol: 'ACME' }, 'quote', { price: 1 }),
    await hub.streams.ticker.emit({ symbol: 'ACME' }, 'halted', { reason: 'auction' }),
  ];
  await reader.until(2);
  expect(reader.events).toEqual([
    { id: ids[0], event: 'quote', data: '{"price":1}' },
    { id: ids[1], event: 'halted', data: '{"reason":"auction"}' },
  ]);

  // Without closing the sessions, Node before 24 waits for the session timeout (72 s in Fastify).
  await within(app.close(), 10_000, 'app.close()');
  await within(ended, 10_000, 'the HTTP/2 stream to end');
  expect(hub.stats().connections).toBe(0);
});
