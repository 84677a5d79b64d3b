import { market } from '@tidings/test-kit/contract';
import { getRequest, rawSocket } from '@tidings/test-kit/raw-socket';
import { serverResource } from '@tidings/test-kit/server';
import { openSse } from '@tidings/test-kit/sse';
import { within } from '@tidings/test-kit/wait';
import { expect, it, vi } from 'vitest';
import { createHub } from './create-hub.ts';

// 2,000 stream requests pipelined in one write on one keep-alive socket once left 1,999
// connections counted (and heartbeated) for good: Node never closes a response queued behind
// another when the socket closes, and the plugin only listened for the response's `close`.

const PIPELINED = 200;

it('a socket that pipelines stream requests is closed, holds no slot and leaves nothing counted', async () => {
  await using hub = createHub(market, { maxConnections: 2, heartbeatMs: 50 });
  await using server = await serverResource(hub);
  const request = getRequest('/streams/ticker/ACME').repeat(PIPELINED);
  await using piped = await rawSocket(server.port, request);
  await within(piped.closed, 10_000, 'the server to close the pipelining socket');
  await vi.waitFor(() => expect(hub.stats().connections).toBe(0), { timeout: 10_000, interval: 10 });

  // Both slots are free: two well-behaved clients get their streams.
  await using first = await openSse(`${server.url}/ticker/ACME`);
  await using second = await openSse(`${server.url}/ticker/ACME`);
  const id = await hub.streams.ticker.emit({ symbol: 'ACME' }, 'quote', { price: 1 });
  expect((await first.until(1))[0]?.id).toBe(id);
  expect((await second.until(1))[0]?.id).toBe(id);
  expect(hub.stats()).toMatchObject({ connections: 2, subscribers: { ticker: 2 } });
});

it('a stream request queued behind a slow response on the same socket closes that socket, and is not counted', async () => {
  await using hub = createHub(market);
  let answer!: () => void;
  const answered = new Promise<void>((resolve) => {
    answer = resolve;
  });
  await using server = await serverResource(hub, {
    before: async (app) => {
      app.get('/slow', async () => {
        await answered;
        return { ok: true };
      });
    },
  });
  const request = `${getRequest('/slow')}${getRequest('/streams/ticker/ACME')}`;
  await using piped = await rawSocket(server.port, request);
  await within(piped.closed, 10_000, 'the server to close the pipelining socket');
  answer();
  expect(piped.received()).toBe('');
  expect(hub.stats().connections).toBe(0);
  expect(hub.streams.ticker.subscriberCount({ symbol: 'ACME' })).toBe(0);
});
