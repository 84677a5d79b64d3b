import { createHub, type Hub, type HubOptions } from '@tidings/server';
import { market } from '@tidings/test-kit/contract';
import { type ServerResource, serverResource } from '@tidings/test-kit/server';
import type { Redis } from 'ioredis';
import type { RedisBrokerBaseOptions } from '../redis-broker.ts';
import { redisBroker } from '../redis-broker.ts';
import type { Connection } from './deployments.ts';

/** One server process of a multi-instance deployment: the kit's server resource, on a Redis broker. */
export type Instance = ServerResource<Hub<typeof market>>;

/** How `instanceResource` sets up the broker and the hub. */
export interface InstanceOptions {
  /** @default {} */
  readonly broker?: RedisBrokerBaseOptions;
  /**
   * Run the broker on this client instead of its own connection (so a test can await its reconnects).
   * @default a connection of its own
   */
  readonly client?: Redis;
  /** @default {} */
  readonly hub?: Omit<HubOptions<typeof market>, 'broker'>;
}

const where = (connection: string | Connection): Connection =>
  typeof connection === 'string' ? { url: connection } : connection;

/** The kit contract's hub on `redisBroker` (a URL or a cluster), served on 127.0.0.1; closes the app, then the broker. */
export function instanceResource(
  connection: string | Connection,
  keyPrefix: string,
  options: InstanceOptions = {},
): Promise<Instance> {
  const broker = options.client
    ? redisBroker({ client: options.client, keyPrefix, ...options.broker })
    : redisBroker({ ...where(connection), keyPrefix, ...options.broker });
  return serverResource(createHub(market, { ...options.hub, broker }), { broker });
}

/** An emit-only worker: a hub on the same Redis that never serves HTTP. */
export function workerResource(
  connection: string | Connection,
  keyPrefix: string,
  options: RedisBrokerBaseOptions = {},
): Hub<typeof market> & AsyncDisposable {
  const broker = redisBroker({ ...where(connection), keyPrefix, ...options });
  const hub = createHub(market, { broker });
  return Object.assign(hub, {
    async [Symbol.asyncDispose]() {
      await hub.close();
      await broker.close();
    },
  });
}
