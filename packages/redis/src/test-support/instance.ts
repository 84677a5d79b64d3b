import { createHub, type Hub, type HubOptions } from '@tidings/server';
import Fastify from 'fastify';
import type { Redis } from 'ioredis';
import type { RedisBrokerBaseOptions } from '../redis-broker.ts';
import { redisBroker } from '../redis-broker.ts';
import { market } from './contract.ts';

/** One server process of a multi-instance deployment: a hub on a Redis broker, served by Fastify. */
export interface Instance extends AsyncDisposable {
  readonly hub: Hub<typeof market>;
  /** Base URL of the streams. */
  readonly url: string;
}

export interface InstanceOptions {
  readonly broker?: RedisBrokerBaseOptions;
  /** Run the broker on this client instead of its own connection (so a test can await its reconnects). */
  readonly client?: Redis;
  readonly hub?: Omit<HubOptions<typeof market>, 'broker'>;
}

/** A hub on `redisBroker({ url, keyPrefix })` listening on 127.0.0.1; closes the app, then the broker. */
export async function instanceResource(
  redisUrl: string,
  keyPrefix: string,
  options: InstanceOptions = {},
): Promise<Instance> {
  const broker = options.client
    ? redisBroker({ client: options.client, keyPrefix, ...options.broker })
    : redisBroker({ url: redisUrl, keyPrefix, ...options.broker });
  const hub = createHub(market, { ...options.hub, broker });
  // undici (behind the eventsource client) may open a spare connection that never sends a
  // request; Node would wait for its keep-alive timeout on close.
  const app = Fastify({ forceCloseConnections: true });
  await app.register(hub.plugin, { prefix: '/streams' });
  const origin = await app.listen({ port: 0, host: '127.0.0.1' });
  return {
    hub,
    url: `${origin}/streams`,
    async [Symbol.asyncDispose]() {
      await app.close();
      await broker.close();
    },
  };
}

/** An emit-only worker: a hub on the same Redis that never serves HTTP. */
export function workerResource(redisUrl: string, keyPrefix: string): Hub<typeof market> & AsyncDisposable {
  const broker = redisBroker({ url: redisUrl, keyPrefix });
  const hub = createHub(market, { broker });
  return Object.assign(hub, {
    async [Symbol.asyncDispose]() {
      await hub.close();
      await broker.close();
    },
  });
}
