import { TidingsError } from '@tidings/contract';
import { parseEventId } from '@tidings/contract/wire';
import { type Broker, TidingsBrokerError } from '@tidings/server';
import { Redis } from 'ioredis';
import { describeRedisError, FAIL_FAST, type TrackedConnection, track } from './connection.ts';
import { historyOf, type TopicKeys, topicKeys } from './keys.ts';
import { replayResult } from './replay-result.ts';
import { scriptsOn } from './scripts.ts';
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
}

/** Connect by URL: the broker owns both connections and closes them in `close()`. */
export interface RedisBrokerUrlOptions extends RedisBrokerBaseOptions {
  /**
   * A `redis://` or `rediss://` URL.
   * @default 'redis://127.0.0.1:6379'
   */
  url?: string | undefined;
  client?: undefined;
}

/** Reuse an ioredis client for commands; the broker duplicates it for pub/sub and closes only the duplicate. */
export interface RedisBrokerClientOptions extends RedisBrokerBaseOptions {
  /** An ioredis client; give it `enableOfflineQueue: false` so calls fail fast during an outage. */
  client: Redis;
  url?: undefined;
}

/** Options of `redisBroker`: a `url` or a `client`, plus the common options. */
export type RedisBrokerOptions = RedisBrokerUrlOptions | RedisBrokerClientOptions;

const DEFAULT_TTL_MS = 10 * 60_000;
const PREFIX = '@tidings/redis';

function positive(name: string, value: number | undefined, fallback: number): number {
  const resolved = value ?? fallback;
  if (!Number.isFinite(resolved) || resolved <= 0) {
    throw new TidingsError(
      'CONFIG_INVALID',
      `${PREFIX}: redisBroker ${name} is ${String(value)}; expected a number of milliseconds > 0.`,
    );
  }
  return Math.ceil(resolved);
}

function brokerError(what: string, error: unknown): TidingsBrokerError {
  return new TidingsBrokerError(`${PREFIX}: could not ${what}: ${describeRedisError(error)}.`, {
    cause: error,
  });
}

/**
 * A `Broker` on Redis that makes many server processes (and emit-only workers) one hub:
 * history in a stream per topic, live fan-out over pub/sub, replay with gap detection.
 * @example
 * const broker = redisBroker({ url: process.env.REDIS_URL, keyPrefix: 'market:' });
 * const hub = createHub(market, { broker });
 */
export function redisBroker(options: RedisBrokerOptions = {}): Broker {
  const url: unknown = options.url;
  if (options.client !== undefined && url !== undefined) {
    throw new TidingsError(
      'CONFIG_INVALID',
      `${PREFIX}: redisBroker got both url ("${String(url)}") and client; pass one of them.`,
    );
  }
  const prefix = options.keyPrefix ?? 'tidings:';
  if (typeof prefix !== 'string') {
    throw new TidingsError(
      'CONFIG_INVALID',
      `${PREFIX}: redisBroker option "keyPrefix" is ${typeof prefix === 'object' ? JSON.stringify(prefix) : String(prefix)} (${typeof prefix}); expected a string such as 'myapp:'.`,
    );
  }
  const ttl = positive('historyTtlMs', options.historyTtlMs, DEFAULT_TTL_MS);
  const commandTimeout = positive('commandTimeoutMs', options.commandTimeoutMs, 5_000);
  const connectTimeoutMs = positive('connectTimeoutMs', options.connectTimeoutMs, 10_000);
  const onError = options.onError ?? (() => {});

  const ownsCommand = options.client === undefined;
  const commandRedis =
    options.client ?? new Redis(options.url ?? 'redis://127.0.0.1:6379', { ...FAIL_FAST, commandTimeout });
  const subscriberRedis = commandRedis.duplicate({ ...FAIL_FAST, commandTimeout, lazyConnect: false });
  const reportError = (error: unknown): void => onError(error);
  commandRedis.on('error', reportError);
  subscriberRedis.on('error', reportError);
  const command: TrackedConnection = track(commandRedis);
  const scripts = scriptsOn(commandRedis);
  const subscriber: TrackedConnection = track(subscriberRedis, command);
  let closed = false;

  function touch(keys: Iterable<TopicKeys>): void {
    if (commandRedis.status !== 'ready') return;
    const pipeline = commandRedis.pipeline();
    for (const { events, meta } of keys) pipeline.pexpire(events, ttl).pexpire(meta, ttl);
    if (pipeline.length > 0) pipeline.exec().catch(() => {});
  }

  const subscriptions = createTopicSubscriptions({
    prefix,
    command,
    scripts,
    subscriber,
    connectTimeoutMs,
    onListenerError: (error, topic) =>
      onError(
        new TidingsBrokerError(`${PREFIX}: a subscriber of topic "${topic.key}" threw`, { cause: error }),
      ),
    onCatchUpError: (error, topic) =>
      onError(
        brokerError(`replay topic "${topic.key}" after reconnecting; live events resume without it`, error),
      ),
    onRelease: (keys) => touch([keys]),
    onDrop: (liveTopics) =>
      onError(
        new TidingsBrokerError(
          `${PREFIX}: the pub/sub connection to Redis was lost (or Redis cut it as a slow subscriber); ${liveTopics} live topic(s) replay what they missed once it is back.`,
        ),
      ),
    onLiveGap: (topic, gap) =>
      onError(
        new TidingsBrokerError(
          `${PREFIX}: topic "${topic.key}": events after ${gap.lastEventId ?? 'the subscription'} were trimmed from its history (${historyOf(topic)} kept) before this instance could replay them; its clients get a gap. Raise the stream's history, or check why the pub/sub connection dropped.`,
        ),
      ),
  });
  // Keys of topics someone listens to must not expire however quiet the topic is.
  const keepAlive = setInterval(() => touch(subscriptions.liveTopics()), Math.max(20, Math.floor(ttl / 3)));
  keepAlive.unref();

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
      try {
        return String(await scripts.publish(keys, history, name, data, ttl));
      } catch (error) {
        throw brokerError(what(), error);
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
        throw brokerError(what(), error);
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
        throw brokerError(what(), error);
      }
      return replayResult(after, reply);
    },

    async close() {
      if (closed) return;
      closed = true;
      clearInterval(keepAlive);
      subscriptions.close();
      const connections = ownsCommand ? [subscriberRedis, commandRedis] : [subscriberRedis];
      await Promise.all(
        connections.map(async (redis) => {
          if (redis.status === 'ready') await redis.quit().catch(() => redis.disconnect());
          else redis.disconnect();
        }),
      );
      commandRedis.off('error', reportError);
    },
  };
}
