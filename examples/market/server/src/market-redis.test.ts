import { randomUUID } from 'node:crypto';
import { type Market, market } from '@acme/market-contract';
import { createClient, type Subscription } from '@tidings/client';
import type { EventsOf } from '@tidings/contract';
import { redisBroker } from '@tidings/redis';
import { startRedisServer } from '@tidings/redis/testing';
import { collector } from '@tidings/test-kit/collector';
import { Redis } from 'ioredis';
import { expect, test } from 'vitest';
import { type MarketServer, startMarketServer } from './market-server.ts';

type Sub = Subscription<EventsOf<Market, 'ticker'>>;

/** Resolves with the ids of the next `count` quotes `sub` delivers; rejects after `timeoutMs`. */
async function quotes(sub: Sub, count: number, timeoutMs = 15_000): Promise<string[]> {
  const ids = collector<string>();
  const controller = new AbortController();
  sub.addEventListener('quote', (e) => ids.push(e.id), { signal: controller.signal });
  try {
    return (await ids.until(count, timeoutMs)).slice(0, count);
  } finally {
    controller.abort();
  }
}

/** One demo instance on Redis, as `REDIS_URL=… pnpm demo` starts it; disposing closes its broker and lock too. */
async function instance(url: string, keyPrefix: string): Promise<MarketServer> {
  const broker = redisBroker({ url, keyPrefix });
  const lock = new Redis(url);
  const server = await startMarketServer({
    broker,
    leader: { redis: lock, key: `${keyPrefix}leader`, ttlMs: 900 },
    feed: { intervalMs: 50, haltChance: 0 },
  });
  return Object.assign(server, {
    async [Symbol.asyncDispose]() {
      await server.close();
      await broker.close();
      await lock.quit();
    },
  });
}

test('two instances on one Redis serve the same streams, and exactly one runs the feed', async () => {
  await using redis = await startRedisServer();
  const keyPrefix = `market-${randomUUID()}:`;
  await using a = await instance(redis.url, keyPrefix);
  await using b = await instance(redis.url, keyPrefix);
  using client = createClient(market, { baseUrl: `${b.url}/streams` });
  await quotes(client.ticker.subscribe({ symbol: 'ACME' }), 3);
  const leader = a.role === 'leader' ? a : b;
  const follower = leader === a ? b : a;
  expect([leader.role, follower.role]).toEqual(['leader', 'follower']);
  expect(follower.feed?.running).toBe(false);

  // A page on the follower sees quotes the leader simulates, through Redis.
  using followerClient = createClient(market, { baseUrl: `${follower.url}/streams` });
  const sub = followerClient.ticker.subscribe({ symbol: 'ACME' });
  await quotes(sub, 3);
  expect(follower.hub.stats().eventsEmitted).toBe(0);

  // The leader goes away: the follower takes the lock within its TTL and the quotes keep coming.
  await leader.close();
  await quotes(sub, 3);
  expect(follower.role).toBe('leader');
  expect(follower.hub.stats().eventsEmitted).toBeGreaterThan(0);
}, 60_000);
