import { TidingsError } from '@tidings/contract';
import type { Cluster, ClusterNode, ClusterOptions, Redis } from 'ioredis';
import type { RedisBrokerOptions } from './redis-broker.ts';

const PREFIX = '@tidings/redis';
const DEFAULT_TTL_MS = 10 * 60_000;

/** Where the broker connects, once its options are checked. */
export type BrokerTarget =
  | { readonly kind: 'url'; readonly url: string }
  | { readonly kind: 'client'; readonly client: Redis }
  | { readonly kind: 'cluster-client'; readonly client: Cluster }
  | { readonly kind: 'cluster'; readonly nodes: ClusterNode[]; readonly options: ClusterOptions };

/** `redisBroker`'s options with defaults applied. */
export interface ResolvedBrokerOptions {
  readonly target: BrokerTarget;
  readonly prefix: string;
  readonly ttl: number;
  readonly commandTimeout: number;
  readonly connectTimeoutMs: number;
  readonly waitForReplicas: number;
  readonly onError: (error: unknown) => void;
}

function invalid(message: string): TidingsError {
  return new TidingsError('CONFIG_INVALID', `${PREFIX}: ${message}`);
}

/** A value as an error message shows it: strings quoted, objects as JSON. */
function show(value: unknown): string {
  if (typeof value === 'string') return `"${value}"`;
  if (typeof value === 'object' && value !== null) {
    try {
      return JSON.stringify(value);
    } catch {
      return Object.prototype.toString.call(value);
    }
  }
  return String(value);
}

function positive(name: string, value: number | undefined, fallback: number): number {
  const resolved = value ?? fallback;
  if (!Number.isFinite(resolved) || resolved <= 0) {
    throw invalid(`redisBroker ${name} is ${String(value)}; expected a number of milliseconds > 0.`);
  }
  return Math.ceil(resolved);
}

function clusterNodes(value: unknown): ClusterNode[] {
  if (!Array.isArray(value) || value.length === 0) {
    throw invalid(
      `redisBroker option "cluster" is ${show(value)}; expected a non-empty array of nodes such as [{ host: '127.0.0.1', port: 7000 }].`,
    );
  }
  const port = (p: unknown): boolean => typeof p === 'number' && Number.isInteger(p) && p > 0 && p < 65_536;
  (value as unknown[]).forEach((node, index) => {
    const ok =
      (typeof node === 'string' && node.length > 0) ||
      port(node) ||
      (typeof node === 'object' &&
        node !== null &&
        !Array.isArray(node) &&
        ['host', 'port'].some((field) => field in node) &&
        ((node as { host?: unknown }).host === undefined ||
          typeof (node as { host?: unknown }).host === 'string') &&
        ((node as { port?: unknown }).port === undefined || port((node as { port?: unknown }).port)));
    if (!ok) {
      throw invalid(
        `redisBroker option "cluster[${index}]" is ${show(node)}; expected { host, port } with a port from 1 to 65535, 'host:port' or a port number.`,
      );
    }
  });
  return [...(value as ClusterNode[])];
}

function target(options: RedisBrokerOptions): BrokerTarget {
  const given = (['url', 'client', 'cluster'] as const).filter((name) => options[name] !== undefined);
  if (given.length > 1) {
    const [a, b] = given as [string, string];
    const describe = (name: string): string =>
      name === 'client' ? 'client' : `${name} (${show(options[name as 'url' | 'cluster'])})`;
    throw invalid(`redisBroker got both ${describe(a)} and ${describe(b)}; pass one of them.`);
  }
  if (options.clusterOptions !== undefined && options.cluster === undefined) {
    throw invalid(
      'redisBroker got clusterOptions without cluster; list the nodes in cluster, or pass your own ioredis Cluster as client.',
    );
  }
  if (options.cluster !== undefined) {
    const clusterOptions: unknown = options.clusterOptions ?? {};
    if (typeof clusterOptions !== 'object' || clusterOptions === null || Array.isArray(clusterOptions)) {
      throw invalid(
        `redisBroker option "clusterOptions" is ${show(clusterOptions)}; expected ioredis ClusterOptions (an object).`,
      );
    }
    return { kind: 'cluster', nodes: clusterNodes(options.cluster), options: clusterOptions };
  }
  if (options.client !== undefined) {
    return options.client.isCluster
      ? { kind: 'cluster-client', client: options.client as Cluster }
      : { kind: 'client', client: options.client as Redis };
  }
  const url: unknown = options.url ?? 'redis://127.0.0.1:6379';
  if (typeof url !== 'string') {
    throw invalid(
      `redisBroker option "url" is ${show(url)}; expected a string such as 'redis://127.0.0.1:6379'.`,
    );
  }
  return { kind: 'url', url };
}

/** Checks `redisBroker`'s options, failing with `CONFIG_INVALID` errors that name the bad value. */
export function resolveBrokerOptions(options: RedisBrokerOptions): ResolvedBrokerOptions {
  const resolvedTarget = target(options);
  const prefix: unknown = options.keyPrefix ?? 'tidings:';
  if (typeof prefix !== 'string') {
    throw invalid(
      `redisBroker option "keyPrefix" is ${typeof prefix === 'object' ? JSON.stringify(prefix) : String(prefix)} (${typeof prefix}); expected a string such as 'myapp:'.`,
    );
  }
  const sharded = resolvedTarget.kind === 'cluster' || resolvedTarget.kind === 'cluster-client';
  if (sharded && /[{}]/.test(prefix)) {
    throw invalid(
      `redisBroker keyPrefix "${prefix}" contains a brace; on a Redis Cluster its hash tag would put every topic in one slot (one shard). Remove "{" and "}" from it.`,
    );
  }
  const replicas: unknown = options.waitForReplicas ?? 0;
  if (typeof replicas !== 'number' || !Number.isInteger(replicas) || replicas < 0) {
    throw invalid(
      `redisBroker option "waitForReplicas" is ${show(replicas)}; expected a whole number of replicas ≥ 0 (0 does not wait).`,
    );
  }
  return {
    target: resolvedTarget,
    prefix,
    ttl: positive('historyTtlMs', options.historyTtlMs, DEFAULT_TTL_MS),
    commandTimeout: positive('commandTimeoutMs', options.commandTimeoutMs, 5_000),
    connectTimeoutMs: positive('connectTimeoutMs', options.connectTimeoutMs, 10_000),
    waitForReplicas: replicas,
    onError: options.onError ?? (() => {}),
  };
}
