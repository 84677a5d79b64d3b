import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import type { Broker } from '@tidings/server';
import { within } from '@tidings/test-kit/wait';
import { type Cluster, Redis, type RedisOptions } from 'ioredis';
import { type RedisBrokerBaseOptions, redisBroker } from '../redis-broker.ts';
import type { Connection } from './deployments.ts';

/** A `redisBroker` on a URL or a cluster with a fresh key prefix, closed by `await using`. */
export function brokerResource(
  connection: string | Connection,
  options: RedisBrokerBaseOptions = {},
): Broker & AsyncDisposable {
  const where = typeof connection === 'string' ? { url: connection } : connection;
  const broker = redisBroker({ ...where, keyPrefix: `test-${randomUUID()}:`, ...options });
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
export async function whenReady(client: Redis | Cluster, timeoutMs = 10_000): Promise<void> {
  if (client.status === 'ready') return;
  await within(once(client, 'ready'), timeoutMs, `the Redis client to be ready (status ${client.status})`);
}
