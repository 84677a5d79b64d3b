import { randomUUID } from 'node:crypto';
import { isTidingsError } from '@tidings/contract';
import type { StoredEvent } from '@tidings/server';
import { collector } from '@tidings/test-kit/collector';
import { Cluster, Redis } from 'ioredis';
import { describe, expect, it, vi } from 'vitest';
import { clusterSlot } from './cluster-slot.ts';
import { topicKeys } from './keys.ts';
import { redisBroker } from './redis-broker.ts';
import { DEPLOYMENTS, useDeployment } from './test-support/deployments.ts';
import { brokerResource, whenReady } from './test-support/resources.ts';
import { startRedisServer } from './testing/index.ts';

const topic = (history = 100) => ({ key: `topic-${randomUUID()}`, history });

describe.each(DEPLOYMENTS)('redisBroker on a %s', (kind) => {
  const redis = useDeployment(kind);
  const connection = () => redis.current.connection();

  it('makes two brokers one hub: publish on one, live delivery and replay on the other', async () => {
    const keyPrefix = `test-${randomUUID()}:`;
    await using a = brokerResource(connection(), { keyPrefix });
    await using b = brokerResource(connection(), { keyPrefix });
    const ref = topic();
    const seen = collector<StoredEvent>();
    const unsubscribe = await a.subscribe(ref, seen.push);
    const ids = await Promise.all(Array.from({ length: 30 }, (_, i) => b.publish(ref, 'tick', String(i))));
    const received = await seen.until(30);
    expect(received).toEqual(ids.map((id, i) => ({ id, name: 'tick', data: String(i) })));
    expect((await a.replay(ref, ids[9]!)).events.map((event) => event.id)).toEqual(ids.slice(10));
    unsubscribe();
  });

  it('holds one pub/sub subscription per topic however many local listeners it has', async () => {
    const keyPrefix = `test-${randomUUID()}:`;
    await using broker = brokerResource(connection(), { keyPrefix });
    const ref = topic();
    const { channel } = topicKeys(keyPrefix, ref.key);
    const listeners = [collector<StoredEvent>(), collector<StoredEvent>(), collector<StoredEvent>()];
    const unsubscribes = await Promise.all(listeners.map((c) => broker.subscribe(ref, c.push)));
    // NUMSUB on a single Redis, SHARDNUMSUB on the master of the channel's slot in a cluster.
    expect(await redis.current.subscribers(channel)).toBe(1);
    await broker.publish(ref, 'tick', '1');
    for (const c of listeners) expect((await c.until(1)).map((event) => event.data)).toEqual(['1']);
    unsubscribes[0]!();
    unsubscribes[1]!();
    expect(await redis.current.subscribers(channel)).toBe(1);
    unsubscribes[2]!();
    // The UNSUBSCRIBE goes out at once on another connection: ask until Redis has processed it.
    await vi.waitFor(async () => expect(await redis.current.subscribers(channel)).toBe(0), {
      timeout: 10_000,
      interval: 5,
    });
    expect(listeners.map((c) => c.items.length)).toEqual([1, 1, 1]);
  });

  it('vouches for ids from the newest evicted one on, and not before the first id of the topic', async () => {
    await using broker = brokerResource(connection());
    const ref = topic(3);
    const ids: string[] = [];
    for (let i = 0; i < 6; i++) ids.push(await broker.publish(ref, 'tick', String(i)));
    expect(await broker.replay(ref, ids[2]!)).toEqual({
      events: ids.slice(3).map((id, i) => ({ id, name: 'tick', data: String(i + 3) })),
      gap: false,
      oldestAvailableId: ids[3],
    });
    expect(await broker.replay(ref, ids[1]!)).toMatchObject({ gap: true, oldestAvailableId: ids[3] });
    // An id older than anything this topic issued: its events expired, or it belongs elsewhere.
    expect(await broker.replay(ref, '1-0')).toMatchObject({ gap: true, oldestAvailableId: ids[3] });
    // Malformed ids are a fresh subscribe: nothing to replay, no gap, no Redis call needed.
    for (const bad of ['', 'abc', '1-2-3', '01-1', '99999999999999999999-0', '-1-0']) {
      expect(await broker.replay(ref, bad)).toEqual({ events: [], gap: false });
    }
  });

  it('with history 0 stores nothing it replays but still knows the latest id', async () => {
    await using broker = brokerResource(connection());
    const ref = topic(0);
    const first = await broker.publish(ref, 'tick', '1');
    const last = await broker.publish(ref, 'tick', '2');
    expect(await broker.replay(ref, last)).toEqual({ events: [], gap: false, oldestAvailableId: undefined });
    expect(await broker.replay(ref, first)).toMatchObject({ events: [], gap: true });
  });

  it('expires an idle topic after historyTtlMs but keeps the keys of a topic someone listens to', async () => {
    const keyPrefix = `test-${randomUUID()}:`;
    const historyTtlMs = 1_000;
    await using broker = brokerResource(connection(), { keyPrefix, historyTtlMs });
    await using admin = redis.current.admin();
    // Gone once its TTL has passed: EXISTS expires a key on access (on its master, through the
    // cluster client), so this needs no keyspace notification, which a busy node may send late.
    const gone = async (keys: string[]) => {
      for (const key of keys) if ((await admin.exists(key)) === 1) return false;
      return true;
    };

    // One listened topic in each third of the slots: on a cluster, one per master (the keep-alive
    // must refresh keys on every master, not in one cross-slot pipeline).
    const listened = [0, 1, 2].map((third) => {
      for (;;) {
        const candidate = topic();
        const slot = clusterSlot(topicKeys(keyPrefix, candidate.key).events);
        if (Math.floor((slot * 3) / 16_384) === third) return candidate;
      }
    });
    const idle = topic();
    const unsubscribes = await Promise.all(listened.map((ref) => broker.subscribe(ref, () => {})));
    for (const ref of listened) await broker.publish(ref, 'tick', '1');
    await broker.publish(idle, 'tick', '1');
    const idleKeys = topicKeys(keyPrefix, idle.key);
    const listenedKeys = listened.flatMap((ref) => {
      const { events, meta } = topicKeys(keyPrefix, ref.key);
      return [events, meta];
    });
    // The listened topics published first, so without keep-alive they would expire first.
    await expect
      .poll(() => gone([idleKeys.events, idleKeys.meta]), { timeout: 15_000, interval: 50 })
      .toBe(true);
    for (const key of listenedKeys) expect(await admin.exists(key), key).toBe(1);
    expect(await broker.replay(idle, '1-0')).toEqual({ events: [], gap: true });

    for (const unsubscribe of unsubscribes) unsubscribe();
    await expect.poll(() => gone(listenedKeys), { timeout: 15_000, interval: 50 }).toBe(true);
    for (const key of listenedKeys) expect(await admin.exists(key), key).toBe(0);
  });

  it('reports a subscriber callback that throws and still delivers to the others', async () => {
    const errors: unknown[] = [];
    await using broker = brokerResource(connection(), { onError: (error) => errors.push(error) });
    const ref = topic();
    const seen = collector<StoredEvent>();
    const unsubscribeThrowing = await broker.subscribe(ref, () => {
      throw new Error('listener broke');
    });
    const unsubscribe = await broker.subscribe(ref, seen.push);
    await broker.publish(ref, 'tick', '1');
    await seen.until(1);
    expect(errors).toHaveLength(1);
    expect(isTidingsError(errors[0]) && errors[0].code).toBe('BROKER_ERROR');
    expect(String(errors[0])).toContain(`a subscriber of topic "${ref.key}" threw`);
    unsubscribeThrowing();
    unsubscribe();
  });

  it('keeps topics whose keys differ only in braces or escapes apart', async () => {
    await using broker = brokerResource(connection());
    const keys = ['a{b}', 'a%7bb%7d', 'a%7Bb%7D', '{a}b', 'a}{b', '%'];
    for (const key of keys) await broker.publish({ key, history: 10 }, 'own', JSON.stringify(key));
    for (const key of keys) {
      const stored = await broker.replay({ key, history: 10 }, '0-0');
      expect(stored.events.map((event) => event.data)).toEqual([JSON.stringify(key)]);
    }
  });

  it('uses a client passed in and leaves it open on close', async () => {
    await using client = redis.current.admin();
    await whenReady(client);
    expect(client instanceof Cluster).toBe(kind === 'Redis Cluster');
    const broker = redisBroker({ client, keyPrefix: `test-${randomUUID()}:` });
    const ref = topic();
    const id = await broker.publish(ref, 'tick', '1');
    await broker.close();
    expect(client.status).toBe('ready');
    expect(await client.ping()).toBe('PONG');
    await expect(broker.publish(ref, 'tick', '2')).rejects.toThrow(
      `@tidings/redis: the broker is closed; cannot publish event "tick" to topic "${ref.key}".`,
    );
    expect(id).toMatch(/^\d+-\d+$/);
  });
});

describe('redisBroker options', () => {
  const redis = { url: 'redis://127.0.0.1:1' };

  it('refuses contradictory or impossible options when it is created', () => {
    const client = new Redis({ lazyConnect: true });
    expect(() => redisBroker({ client, url: 'redis://x' } as never)).toThrow(
      '@tidings/redis: redisBroker got both url ("redis://x") and client; pass one of them.',
    );
    expect(() => redisBroker({ url: redis.url, historyTtlMs: 0 })).toThrow(
      '@tidings/redis: redisBroker historyTtlMs is 0; expected a number of milliseconds > 0.',
    );
    expect(() => redisBroker({ url: redis.url, commandTimeoutMs: Number.NaN })).toThrow(
      /commandTimeoutMs is NaN/,
    );
    expect(() => redisBroker({ url: redis.url, keyPrefix: 42 as never })).toThrow(
      `@tidings/redis: redisBroker option "keyPrefix" is 42 (number); expected a string such as 'myapp:'.`,
    );
    expect(() => redisBroker({ url: redis.url, keyPrefix: 42 as never })).toThrow(
      expect.objectContaining({ code: 'CONFIG_INVALID' }),
    );
    expect(() => redisBroker({ url: redis.url, waitForReplicas: -1 })).toThrow(
      `@tidings/redis: redisBroker option "waitForReplicas" is -1; expected a whole number of replicas ≥ 0 (0 does not wait).`,
    );
    client.disconnect();
  });

  it('says to use url when the cluster option points at a Redis that is not a cluster node', async () => {
    await using single = await startRedisServer();
    const broker = redisBroker({
      cluster: [{ host: '127.0.0.1', port: single.port }],
      connectTimeoutMs: 1_000,
    });
    await expect(broker.publish(topic(), 'tick', '1')).rejects.toThrow(
      /^@tidings\/redis: could not publish event "tick" to topic "[^"]+": this Redis is not a cluster node \(cluster support disabled\); connect to it with url, not cluster\.$/,
    );
    await broker.close();
  });

  it('refuses a cluster option it cannot connect to, naming the value', () => {
    const nodes = [{ host: '127.0.0.1', port: 7000 }];
    const cases: [unknown, string][] = [
      [
        { url: redis.url, cluster: nodes },
        `@tidings/redis: redisBroker got both url ("redis://127.0.0.1:1") and cluster ([{"host":"127.0.0.1","port":7000}]); pass one of them.`,
      ],
      [
        { cluster: [] },
        `@tidings/redis: redisBroker option "cluster" is []; expected a non-empty array of nodes such as [{ host: '127.0.0.1', port: 7000 }].`,
      ],
      [
        { cluster: '127.0.0.1:7000' },
        `@tidings/redis: redisBroker option "cluster" is "127.0.0.1:7000"; expected a non-empty array of nodes such as [{ host: '127.0.0.1', port: 7000 }].`,
      ],
      [
        { cluster: [...nodes, { host: '127.0.0.1', port: 70_000 }] },
        `@tidings/redis: redisBroker option "cluster[1]" is {"host":"127.0.0.1","port":70000}; expected { host, port } with a port from 1 to 65535, 'host:port' or a port number.`,
      ],
      [
        { cluster: [{ hostname: 'redis' }] },
        `@tidings/redis: redisBroker option "cluster[0]" is {"hostname":"redis"}; expected { host, port } with a port from 1 to 65535, 'host:port' or a port number.`,
      ],
      [
        { url: redis.url, clusterOptions: {} },
        '@tidings/redis: redisBroker got clusterOptions without cluster; list the nodes in cluster, or pass your own ioredis Cluster as client.',
      ],
      [
        { cluster: nodes, keyPrefix: 'app:{eu}:' },
        `@tidings/redis: redisBroker keyPrefix "app:{eu}:" contains a brace; on a Redis Cluster its hash tag would put every topic in one slot (one shard). Remove "{" and "}" from it.`,
      ],
    ];
    for (const [options, message] of cases) {
      expect(() => redisBroker(options as never)).toThrow(message);
      expect(() => redisBroker(options as never)).toThrow(
        expect.objectContaining({ code: 'CONFIG_INVALID' }),
      );
    }
  });
});
