import { Cluster, Redis } from 'ioredis';
import { afterAll, beforeAll } from 'vitest';
import type { RedisBrokerClusterOptions, RedisBrokerUrlOptions } from '../redis-broker.ts';
import {
  type RedisClusterHandle,
  type RedisServerHandle,
  type StartRedisClusterOptions,
  startRedisCluster,
  startRedisServer,
} from '../testing/index.ts';

/** The two ways to run Redis under the broker. */
export type DeploymentKind = 'single Redis' | 'Redis Cluster';

/** Both kinds, for `describe.each`. */
export const DEPLOYMENTS: readonly DeploymentKind[] = ['single Redis', 'Redis Cluster'];

/** The part of `redisBroker`'s options that says where Redis is. */
export type Connection =
  | Pick<RedisBrokerUrlOptions, 'url'>
  | Pick<RedisBrokerClusterOptions, 'cluster' | 'clusterOptions'>;

/** An ACL user to connect as. */
export interface RedisUser {
  readonly username: string;
  readonly password: string;
}

/** A running single Redis or Redis Cluster, with what tests need to inspect and poke it. */
export interface Deployment extends AsyncDisposable {
  readonly kind: DeploymentKind;
  readonly server: RedisServerHandle | undefined;
  readonly cluster: RedisClusterHandle | undefined;
  /** `redisBroker` options that connect to it (as `user`, if given). */
  connection(user?: RedisUser): Connection;
  /** A plain ioredis client (a `Cluster` on a cluster) for keyed commands, closed by `await using`. */
  admin(): (Redis | Cluster) & AsyncDisposable;
  /** Runs one command on every running node (masters and replicas) and returns the replies. */
  everyNode(command: string, ...args: (string | number)[]): Promise<unknown[]>;
  /** Drops the pub/sub connections on every node (of one user, if given); resolves to how many. */
  killPubSub(user?: string): Promise<number>;
  /** A client of each running node, for node-local subscriptions (keyspace events). */
  nodeClients(): Redis[];
  /** How many connections subscribe to a live channel: `NUMSUB`, or `SHARDNUMSUB` on its master. */
  subscribers(channel: string): Promise<number>;
}

function nodeClient(port: number): Redis {
  const client = new Redis({ host: '127.0.0.1', port, maxRetriesPerRequest: 1 });
  client.on('error', () => {});
  return client;
}

/** Starts a single Redis or a cluster (by default 3 masters with a replica each). */
export async function startDeployment(
  kind: DeploymentKind,
  clusterOptions: StartRedisClusterOptions = {},
): Promise<Deployment> {
  const server = kind === 'single Redis' ? await startRedisServer() : undefined;
  // A long node timeout, so a busy machine never fails a master over in the middle of a test.
  const cluster =
    kind === 'Redis Cluster'
      ? await startRedisCluster({ nodeTimeoutMs: 5_000, ...clusterOptions })
      : undefined;
  const clients = new Map<number, Redis>();
  const running = (): RedisServerHandle[] =>
    cluster ? cluster.nodes.filter((node) => node.running) : server ? [server] : [];
  const clientOf = (node: RedisServerHandle): Redis => {
    let client = clients.get(node.port);
    if (!client) {
      client = nodeClient(node.port);
      clients.set(node.port, client);
    }
    return client;
  };
  const everyNode = (command: string, ...args: (string | number)[]): Promise<unknown[]> =>
    Promise.all(running().map((node) => clientOf(node).call(command, ...args)));
  return {
    kind,
    server,
    cluster,
    connection(user) {
      if (cluster) {
        return {
          cluster: cluster.startupNodes,
          clusterOptions: user ? { redisOptions: { username: user.username, password: user.password } } : {},
        };
      }
      const url = server!.url;
      return { url: user ? url.replace('redis://', `redis://${user.username}:${user.password}@`) : url };
    },
    admin() {
      const client: Redis | Cluster = cluster
        ? new Cluster([...cluster.startupNodes], { redisOptions: { maxRetriesPerRequest: 1 } })
        : new Redis(server!.url, { maxRetriesPerRequest: 1 });
      client.on('error', () => {});
      return Object.assign(client, {
        [Symbol.asyncDispose]: async () => {
          client.disconnect();
        },
      });
    },
    everyNode,
    async killPubSub(user) {
      const filter = user === undefined ? [] : ['USER', user];
      const killed = await everyNode('CLIENT', 'KILL', ...filter, 'TYPE', 'pubsub');
      return killed.reduce<number>((total, count) => total + Number(count), 0);
    },
    nodeClients() {
      return running().map(clientOf);
    },
    async subscribers(channel) {
      if (!cluster) {
        const [, count] = (await clientOf(server!).pubsub('NUMSUB', channel)) as [string, number];
        return count;
      }
      const master = await cluster.masterOf(channel);
      const reply = (await clientOf(master).call('PUBSUB', 'SHARDNUMSUB', channel)) as [string, number];
      return reply[1];
    },
    async [Symbol.asyncDispose]() {
      for (const client of clients.values()) client.disconnect();
      clients.clear();
      await (cluster ?? server)?.[Symbol.asyncDispose]();
    },
  };
}

/** Starts a deployment before the tests of the enclosing `describe` and disposes of it after them. */
export function useDeployment(
  kind: DeploymentKind,
  clusterOptions: StartRedisClusterOptions = {},
): { readonly current: Deployment } {
  let deployment: Deployment | undefined;
  beforeAll(async () => {
    deployment = await startDeployment(kind, clusterOptions);
  });
  afterAll(async () => {
    await deployment?.[Symbol.asyncDispose]();
  });
  return {
    get current(): Deployment {
      if (!deployment) throw new Error(`the ${kind} did not start`);
      return deployment;
    },
  };
}
