import { randomUUID } from 'node:crypto';
import { createServer, type Socket } from 'node:net';
import { redisBroker } from '@tidings/redis';
import { startRedisServer } from '@tidings/redis/testing';
import { createHub } from '@tidings/server';
import { market } from '@tidings/test-kit/contract';
import { serverResource } from '@tidings/test-kit/server';
import { expect, test, vi } from 'vitest';
import { createMarketClient } from './fixtures/market-client.ts';
import { nextEvent } from './helpers/subscription-events.ts';

/** A TCP proxy on 127.0.0.1 that sends each new connection to the next of `ports`: no sticky sessions. */
async function roundRobin(ports: readonly number[]) {
  const served = ports.map(() => 0);
  const sockets = new Set<Socket>();
  let next = 0;
  const proxy = createServer((client) => {
    const at = next++ % ports.length;
    served[at]!++;
    const upstream = new (client.constructor as typeof Socket)();
    upstream.connect(ports[at]!, '127.0.0.1');
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
      socket.on('error', () => {});
    }
    client.pipe(upstream).pipe(client);
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
  });
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  const { port } = proxy.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}/streams`,
    served,
    [Symbol.asyncDispose]: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        proxy.close(() => resolve());
      }),
  };
}

test('a multiplexed client whose list changes lands on any instance behind Redis: every id once, in order', async () => {
  await using redis = await startRedisServer();
  const keyPrefix = `test-${randomUUID()}:`;
  const instance = () => {
    const broker = redisBroker({ url: redis.url, keyPrefix });
    return serverResource(createHub(market, { broker, retryMs: 50 }), { broker });
  };
  await using first = await instance();
  await using second = await instance();
  const instances = [first, second];
  const workerBroker = redisBroker({ url: redis.url, keyPrefix });
  const worker = createHub(market, { broker: workerBroker });
  await using _worker = {
    async [Symbol.asyncDispose]() {
      await worker.close();
      await workerBroker.close();
    },
  };
  await using proxy = await roundRobin(instances.map((instance) => instance.port));

  using client = createMarketClient({
    baseUrl: proxy.url,
    reconnect: { initialDelayMs: 20, maxDelayMs: 200 },
  });
  const topics = ['RA', 'RB', 'RC', 'RD', 'RE'];
  const seen = new Map(topics.map((symbol) => [symbol, [] as string[]]));
  const steady = topics.map((symbol) => {
    const sub = client.ticker.subscribe({ symbol });
    sub.addEventListener('quote', (e) => seen.get(symbol)!.push(e.id));
    return sub;
  });
  await Promise.all(steady.map((sub) => nextEvent(sub, 'open', 15_000)));

  const emitted = new Map(topics.map((symbol) => [symbol, [] as string[]]));
  let emitting = true;
  const emitter = (async () => {
    for (let n = 0; emitting && n < 50_000; n++) {
      const symbol = topics[n % topics.length]!;
      emitted.get(symbol)!.push(await worker.streams.ticker.emit({ symbol }, 'quote', { price: n, n }));
      if (n % 5 === 4) await new Promise((resolve) => setTimeout(resolve, 1));
    }
  })();
  try {
    for (let change = 0; change < 20; change++) {
      const extra = client.announcements.subscribe();
      await nextEvent(extra, 'open', 15_000);
      extra.close();
      await new Promise((resolve) => setTimeout(resolve, 0));
    }
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
  // Both instances served the client's connections along the way.
  expect(proxy.served.every((count) => count >= 5)).toBe(true);
}, 60_000);
