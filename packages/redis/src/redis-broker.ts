import { parseEventId } from '@tidings/contract/wire';
import { type Broker, type BrokerObserver, TidingsBrokerError } from '@tidings/server';
import { Cluster, type ClusterNode, type ClusterOptions, Redis } from 'ioredis';
import { resolveBrokerOptions } from './broker-options.ts';
import { shardedChannels, singleNodeChannels } from './channel-modes.ts';
import { clusterSlot } from './cluster-slot.ts';
import {
  clusterFailFast,
  describeRedisError,
  FAIL_FAST,
  isConnectionError,
  type RedisConnection,
  type TrackedConnection,
  track,
} from './connection.ts';
import { historyOf, type TopicKeys, topicKeys } from './keys.ts';
import { replayResult } from './replay-result.ts';
import { scriptsOn, UnreplicatedError } from './scripts.ts';
import { createTopicSubscriptions } from './topic-subscriptions.ts';

/** Options every `redisBroker` takes, whichever way it connects. */
export interface RedisBrokerBaseOptions {
  /**
   * Prepended to every Redis key and channel the broker uses; give each application (or test) its own.
   * @default 'tidings:'
   */
  keyPrefix?: string | undefined;
  /**
   * How long an idle topic keeps its history: its keys expire this long after its last event or
   * the last time any instance subscribed to it, whichever is later.
   * @default 600_000 (10 minutes)
   */
  historyTtlMs?: number | undefined;
  /**
   * How long a command may take before it fails with a `TidingsBrokerError`.
   * @default 5_000
   */
  commandTimeoutMs?: number | undefined;
  /**
   * How long the first calls wait for the initial connection; during a later outage calls fail at once.
   * @default 10_000
   */
  connectTimeoutMs?: number | undefined;
  /**
   * Receives connection errors (ioredis keeps reconnecting) and errors thrown by `subscribe` callbacks.
   * @default ignores them
   */
  onError?: ((error: unknown) => void) | undefined;
  /**
   * After each publish, wait (Redis `WAIT`, up to half of `commandTimeoutMs`) until this many
   * replicas of the master have the event, so a failover cannot lose an event whose emit
   * resolved; the emit rejects when fewer replicas confirm in time.
   * @default 0 (do not wait)
   */
  waitForReplicas?: number | undefined;
}

/** Connect by URL: the broker owns both connections and closes them in `close()`. */
export interface RedisBrokerUrlOptions extends RedisBrokerBaseOptions {
  /**
   * A `redis://` or `rediss://` URL.
   * @default 'redis://127.0.0.1:6379'
   */
  url?: string | undefined;
  client?: undefined;
  cluster?: undefined;
  clusterOptions?: undefined;
}

/**
 * Reuse an ioredis client for commands: a `Redis` (the broker duplicates it for pub/sub and
 * closes only the duplicate) or a `Cluster` (the broker opens its own pub/sub connection to each master).
 */
export interface RedisBrokerClientOptions extends RedisBrokerBaseOptions {
  /**
   * An ioredis `Redis` (give it `enableOfflineQueue: false, maxRetriesPerRequest: 0`) or `Cluster`
   * (give it `retryDelayOnFailover: 0` and keep its offline queue), so calls fail fast and a
   * publish is never resent.
   */
  client: Redis | Cluster;
  url?: undefined;
  cluster?: undefined;
  clusterOptions?: undefined;
}

/** Connect to a Redis Cluster (Redis 7 or newer): the broker owns its connections and closes them in `close()`. */
export interface RedisBrokerClusterOptions extends RedisBrokerBaseOptions {
  /** Some nodes of the cluster (`{ host, port }`, `'host:port'` or a port); the broker discovers the rest. */
  cluster: readonly ClusterNode[];
  /**
   * ioredis `ClusterOptions` (auth and TLS in `redisOptions`, `natMap`, …); the broker turns off
   * the offline queue and the resend of commands whose connection dropped.
   * @default {}
   */
  clusterOptions?: ClusterOptions | undefined;
  url?: undefined;
  client?: undefined;
}

/** Options of `redisBroker`: a `url`, a `client` or a `cluster`, plus the common options. */
export type RedisBrokerOptions = RedisBrokerUrlOptions | RedisBrokerClientOptions | RedisBrokerClusterOptions;

const PREFIX = '@tidings/redis';

function brokerError(what: string, error: unknown): TidingsBrokerError {
  return new TidingsBrokerError(`${PREFIX}: could not ${what}: ${describeRedisError(error)}.`, {
    cause: error,
  });
}

/**
 * A `Broker` on Redis that makes many server processes (and emit-only workers) one hub:
 * history in a stream per topic, live fan-out over pub/sub (sharded pub/sub on a Redis Cluster),
 * replay with gap detection.
 * @example
 * const broker = redisBroker({ url: process.env.REDIS_URL, keyPrefix: 'market:' });
 * const hub = createHub(market, { broker });
 */
export function redisBroker(options: RedisBrokerOptions = {}): Broker {
  const { target, prefix, ttl, commandTimeout, connectTimeoutMs, waitForReplicas, onError } =
    resolveBrokerOptions(options);
  const sharded = target.kind === 'cluster' || target.kind === 'cluster-client';
  const ownsCommand = target.kind === 'url' || target.kind === 'cluster';
  let commandRedis: RedisConnection;
  if (target.kind === 'url') commandRedis = new Redis(target.url, { ...FAIL_FAST, commandTimeout });
  else if (target.kind === 'cluster')
    commandRedis = new Cluster(target.nodes, clusterFailFast(target.options, commandTimeout));
  else commandRedis = target.client;
  const reportError = (error: unknown): void => onError(error);
  commandRedis.on('error', reportError);
  const command: TrackedConnection = track(commandRedis);
  const scripts = scriptsOn(commandRedis, sharded);
  const replicas =
    waitForReplicas > 0 ? { count: waitForReplicas, waitMs: Math.floor(commandTimeout / 2) } : undefined;
  let closed = false;

  /** Refreshes the expiry of topics' keys; on a cluster, one pipeline per master. */
  function touch(keys: Iterable<TopicKeys>): void {
    if (commandRedis.status !== 'ready') return;
    const groups = new Map<string, TopicKeys[]>();
    for (const topic of keys) {
      const group = sharded
        ? ((commandRedis as Cluster).slots[clusterSlot(topic.events)]?.join(';') ?? topic.events)
        : '';
      const list = groups.get(group);
      if (list) list.push(topic);
      else groups.set(group, [topic]);
    }
    for (const group of groups.values()) {
      const pipeline = commandRedis.pipeline();
      for (const { events, meta } of group) pipeline.pexpire(events, ttl).pexpire(meta, ttl);
      pipeline.exec().catch(() => {});
    }
  }

  const subscriptions = createTopicSubscriptions({
    prefix,
    command,
    scripts,
    channels: (events) => {
      if (sharded) {
        return shardedChannels(commandRedis as Cluster, { commandTimeout }, events, reportError);
      }
      const subscriberRedis = (commandRedis as Redis).duplicate({
        ...FAIL_FAST,
        commandTimeout,
        lazyConnect: false,
      });
      return singleNodeChannels(track(subscriberRedis, command), events, reportError);
    },
    connectTimeoutMs,
    retryMs: sharded ? 200 : 1_000,
    onListenerError: (error, topic) =>
      onError(
        new TidingsBrokerError(`${PREFIX}: a subscriber of topic "${topic.key}" threw`, { cause: error }),
      ),
    onCatchUpError: (error, topic) =>
      onError(
        brokerError(`replay topic "${topic.key}" after reconnecting; live events resume without it`, error),
      ),
    onRelease: (keys) => touch([keys]),
    onDrop: (liveTopics, connection) =>
      onError(
        new TidingsBrokerError(
          `${PREFIX}: the pub/sub connection to ${connection} was lost (or Redis cut it as a slow subscriber); ${liveTopics} live topic(s) replay what they missed once it${sharded ? ', or the replica that takes over,' : ''} is back.`,
        ),
      ),
    onLiveGap: (topic, gap) =>
      onError(
        new TidingsBrokerError(
          `${PREFIX}: topic "${topic.key}": events after ${gap.lastEventId ?? 'the subscription'} were trimmed from its history (${historyOf(topic)} kept) before this instance could replay them; its clients get a gap. Raise the stream's history, or check why the pub/sub connection dropped.`,
        ),
      ),
  });
  // Metrics (`Broker.observe`): publish latency, and outages of the command connection (on a
  // cluster, of the cluster as a whole: one master failing over shows as a gap or an error instead).
  const observers = new Set<BrokerObserver>();
  let down = false;
  const onConnectionLost = (): void => {
    if (down || closed || !command.everReady) return;
    down = true;
    for (const observer of observers) observer.connectionLost();
  };
  const onConnectionReady = (): void => {
    if (!down) return;
    down = false;
    for (const observer of observers) observer.connectionRestored();
  };
  commandRedis.on('close', onConnectionLost);
  commandRedis.on('ready', onConnectionReady);

  // Keys of topics someone listens to must not expire however quiet the topic is.
  const keepAlive = setInterval(() => touch(subscriptions.liveTopics()), Math.max(20, Math.floor(ttl / 3)));
  keepAlive.unref();

  /**
   * A command's error, for the caller. On a cluster, a connection error may come from a node that
   * is gone (a master that failed over): reload the slot map now, as the next call would otherwise
   * go to the same closed connection until ioredis reloads it on its own (every 5 s). The failed
   * call is not retried: it may have reached Redis before the connection closed.
   */
  function commandError(what: string, error: unknown): TidingsBrokerError {
    if (commandRedis.isCluster && isConnectionError(error)) (commandRedis as Cluster).refreshSlotsCache();
    return brokerError(what, error);
  }

  /** Fails fast when closed or during an outage; at start-up waits for the first connection. */
  async function ready(what: () => string): Promise<void> {
    if (closed) throw new TidingsBrokerError(`${PREFIX}: the broker is closed; cannot ${what()}.`);
    if (commandRedis.status === 'ready') return;
    try {
      await command.ready(connectTimeoutMs);
    } catch (error) {
      throw brokerError(what(), error);
    }
  }

  return {
    async publish(topic, name, data) {
      const what = () => `publish event "${name}" to topic "${topic.key}"`;
      if (closed || commandRedis.status !== 'ready') await ready(what);
      const keys = topicKeys(prefix, topic.key);
      const history = historyOf(topic);
      const started = observers.size > 0 ? performance.now() : undefined;
      try {
        const id = String(await scripts.publish(keys, history, name, data, ttl, replicas));
        if (started !== undefined) {
          const seconds = (performance.now() - started) / 1000;
          for (const observer of observers) observer.published(seconds);
        }
        return id;
      } catch (error) {
        if (error instanceof UnreplicatedError && replicas) {
          throw new TidingsBrokerError(
            `${PREFIX}: could not publish event "${name}" to topic "${topic.key}" safely: Redis stored it as ${error.id}, but ${error.acknowledged} of ${replicas.count} replica(s) confirmed it within ${replicas.waitMs} ms, so a failover may lose it. Check the replicas (INFO replication), or lower waitForReplicas.`,
            { cause: error },
          );
        }
        throw commandError(what(), error);
      }
    },

    async subscribe(topic, onEvent, onGap) {
      const what = `subscribe to topic "${topic.key}"`;
      if (closed) throw new TidingsBrokerError(`${PREFIX}: the broker is closed; cannot ${what}.`);
      try {
        return await subscriptions.subscribe(topic, onEvent, onGap);
      } catch (error) {
        throw brokerError(what, error);
      }
    },

    async latestId(topic) {
      const what = () => `read the latest id of topic "${topic.key}"`;
      await ready(what);
      try {
        const last = await commandRedis.hget(topicKeys(prefix, topic.key).meta, 'last');
        return last ?? undefined;
      } catch (error) {
        throw commandError(what(), error);
      }
    },

    async replay(topic, afterId) {
      const after = parseEventId(afterId);
      if (!after) return { events: [], gap: false };
      const what = () => `replay topic "${topic.key}" after "${afterId}"`;
      await ready(what);
      const keys = topicKeys(prefix, topic.key);
      let reply: unknown;
      try {
        reply = await scripts.replay(keys, afterId, historyOf(topic));
      } catch (error) {
        throw commandError(what(), error);
      }
      return replayResult(after, reply);
    },

    observe(observer) {
      observers.add(observer);
      if (down) observer.connectionLost();
      return () => {
        observers.delete(observer);
      };
    },

    async close() {
      if (closed) return;
      closed = true;
      observers.clear();
      clearInterval(keepAlive);
      await subscriptions.close();
      if (ownsCommand) {
        if (commandRedis.status === 'ready') await commandRedis.quit().catch(() => commandRedis.disconnect());
        else commandRedis.disconnect();
      }
      commandRedis.off('error', reportError);
      commandRedis.off('close', onConnectionLost);
      commandRedis.off('ready', onConnectionReady);
    },
  };
}
