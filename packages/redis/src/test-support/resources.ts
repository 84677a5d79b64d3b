import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import type { Broker } from '@tidings/server';
import { within } from '@tidings/test-kit/wait';
import { Redis, type RedisOptions } from 'ioredis';
import { type RedisBrokerBaseOptions, redisBroker } from '../redis-broker.ts';

/** A `redisBroker` on `url` with a fresh key prefix, closed by `await using`. */
export function brokerResource(url: string, options: RedisBrokerBaseOptions = {}): Broker & AsyncDisposable {
  const broker = redisBroker({ url, keyPrefix: `test-${randomUUID()}:`, ...options });
  return Object.assign(broker, { [Symbol.asyncDispose]: () => broker.close() });
}

/** A plain ioredis client for inspecting or poking Redis from a test, closed by `await using`. */
export function adminClient(url: string, options: RedisOptions = {}): Redis & AsyncDisposable {
  const client = new Redis(url, { maxRetriesPerRequest: 1, ...options });
  client.on('error', () => {});
  return Object.assign(client, {
    [Symbol.asyncDispose]: async () => {
      client.disconnect();
    },
  });
}

/** Resolves once `client` is ready (at once if it is), or rejects after `timeoutMs`. */
export async function whenReady(client: Redis, timeoutMs = 10_000): Promise<void> {
  if (client.status === 'ready') return;
  await within(once(client, 'ready'), timeoutMs, `the Redis client to be ready (status ${client.status})`);
}
