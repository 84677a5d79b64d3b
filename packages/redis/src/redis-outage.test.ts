import { randomUUID } from 'node:crypto';
import { isTidingsError } from '@tidings/contract';
import { compareEventIds } from '@tidings/contract/wire';
import type { StoredEvent } from '@tidings/server';
import { collector } from '@tidings/test-kit/collector';
import { within } from '@tidings/test-kit/wait';
import { describe, expect, it } from 'vitest';
import { topicKeys } from './keys.ts';
import { redisBroker } from './redis-broker.ts';
import { DEPLOYMENTS, useDeployment } from './test-support/deployments.ts';
import { adminClient, brokerResource, whenReady } from './test-support/resources.ts';
import { startRedisServer } from './testing/index.ts';

const topic = () => ({ key: `topic-${randomUUID()}`, history: 1_000 });

function expectBrokerError(error: unknown, message: RegExp): void {
  expect(isTidingsError(error) && error.code).toBe('BROKER_ERROR');
  expect(String(error)).toMatch(message);
}

describe('redisBroker during a Redis outage', () => {
  it('rejects publish, subscribe and replay at once with TidingsBrokerError, and works after a restart', async () => {
    await using redis = await startRedisServer();
    // The broker runs on a client of ours (set up to fail fast), so the test can await its reconnection.
    await using client = adminClient(redis.url, { enableOfflineQueue: false, maxRetriesPerRequest: 0 });
    await whenReady(client);
    // Timeouts of a minute: had the calls waited for them instead of failing fast, the bounded wait below would fail.
    const broker = redisBroker({
      client,
      keyPrefix: `test-${randomUUID()}:`,
      connectTimeoutMs: 60_000,
      commandTimeoutMs: 60_000,
    });
    const ref = topic();
    const before = await broker.publish(ref, 'tick', '1');

    await redis.kill();
    const outcomes = await within(
      Promise.allSettled([
        broker.publish(ref, 'tick', '2'),
        broker.subscribe(ref, () => {}),
        broker.replay(ref, before),
      ]),
      10_000,
      'publish, subscribe and replay to fail fast',
    );
    expect(outcomes.map((outcome) => outcome.status)).toEqual(['rejected', 'rejected', 'rejected']);
    const [publish, subscribe, replay] = outcomes.map((outcome) => (outcome as PromiseRejectedResult).reason);
    expectBrokerError(
      publish,
      /^TidingsBrokerError: @tidings\/redis: could not publish event "tick" to topic "[^"]+": Redis is unreachable \(.+\)\.$/,
    );
    expectBrokerError(subscribe, /could not subscribe to topic/);
    expectBrokerError(replay, new RegExp(`could not replay topic "${ref.key}" after "${before}"`));

    await redis.restart();
    await whenReady(client);
    const id = await broker.publish(ref, 'tick', '3');
    expect(compareEventIds(id, before)).toBe(1);
    // Redis came back empty (no persistence): the old id can no longer be vouched for.
    expect(await broker.replay(ref, before)).toMatchObject({ gap: true, events: [{ id, data: '3' }] });
    await broker.close();
  });

  it('delivers every publish that resolved before Redis was killed mid-stream, once and in order (AOF)', async () => {
    // With persistence off, a killed Redis can acknowledge an event it never wrote to the other
    // instance's socket; with the append-only file the stream keeps it and the catch-up delivers it.
    await using redis = await startRedisServer({ persistence: 'aof' });
    const keyPrefix = `test-${randomUUID()}:`;
    await using listening = brokerResource(redis.url, { keyPrefix });
    await using client = adminClient(redis.url, { enableOfflineQueue: false, maxRetriesPerRequest: 0 });
    await whenReady(client);
    const emitting = redisBroker({ client, keyPrefix });
    const ref = topic();
    const seen = collector<StoredEvent>();
    const unsubscribe = await listening.subscribe(ref, seen.push);

    const resolved = new Map<string, string>();
    const rejected = new Set<string>();
    let killed: Promise<void> | undefined;
    for (let window = 0; window < 40; window++) {
      await Promise.all(
        Array.from({ length: 50 }, async (_, i) => {
          const data = String(window * 50 + i);
          try {
            resolved.set(await emitting.publish(ref, 'tick', data), data);
            if (resolved.size === 300) killed = redis.kill();
          } catch (error) {
            expectBrokerError(error, /could not publish event "tick"/);
            rejected.add(data);
          }
        }),
      );
    }
    expect(killed).toBeDefined();
    await killed;
    expect(rejected.size).toBeGreaterThan(0);
    await redis.restart();
    await whenReady(client);
    const end = await emitting.publish(ref, 'end', '"end"');
    await seen.when((items) => items.at(-1)?.id === end, 'the end marker', 15_000);
    expect(seen.items.at(-1)?.id).toBe(end);

    const ids = seen.items.map((event) => event.id);
    for (let i = 1; i < ids.length; i++) expect(compareEventIds(ids[i - 1]!, ids[i]!)).toBe(-1);
    const delivered = new Map(seen.items.map((event) => [event.id, event.data]));
    for (const [id, data] of resolved) expect(delivered.get(id)).toBe(data);
    // Anything else delivered is a publish whose reply was lost with the connection: it was reported.
    for (const event of seen.items.slice(0, -1)) {
      if (!resolved.has(event.id)) expect(rejected.has(event.data)).toBe(true);
    }
    unsubscribe();
    await emitting.close();
  });

  it('resumes a subscription after Redis restarts empty, with events another instance emitted meanwhile', async () => {
    await using redis = await startRedisServer();
    const keyPrefix = `test-${randomUUID()}:`;
    await using listening = brokerResource(redis.url, { keyPrefix });
    await using client = adminClient(redis.url);
    await whenReady(client);
    const emitting = redisBroker({ client, keyPrefix });
    const ref = topic();
    const seen = collector<StoredEvent>();
    const unsubscribe = await listening.subscribe(ref, seen.push);
    const ids = [await emitting.publish(ref, 'tick', 'before')];
    await seen.until(1);

    await redis.restart();
    await whenReady(client);
    for (let i = 0; i < 50; i++) ids.push(await emitting.publish(ref, 'tick', String(i)));
    const received = await seen.until(51);
    expect(received.map((event) => event.id)).toEqual(ids);
    ids.push(await emitting.publish(ref, 'tick', 'live'));
    expect((await seen.until(52)).map((event) => event.id)).toEqual(ids);
    unsubscribe();
    await emitting.close();
  });
});

describe.each(DEPLOYMENTS)('redisBroker losing its pub/sub connection to a %s', (kind) => {
  const redis = useDeployment(kind);

  it('replays what it missed while its pub/sub connection was down, once and in order', async () => {
    const keyPrefix = `test-${randomUUID()}:`;
    await using listening = brokerResource(redis.current.connection(), { keyPrefix });
    await using emitting = brokerResource(redis.current.connection(), { keyPrefix });
    const ref = topic();
    const seen = collector<StoredEvent>();
    const unsubscribe = await listening.subscribe(ref, seen.push);
    const ids: string[] = [];
    for (let i = 0; i < 10; i++) ids.push(await emitting.publish(ref, 'tick', String(i)));
    await seen.until(10);

    // Drop every pub/sub connection; ioredis reconnects after ~50 ms, the events below land meanwhile.
    expect(await redis.current.killPubSub()).toBeGreaterThanOrEqual(1);
    for (let i = 10; i < 200; i++) ids.push(await emitting.publish(ref, 'tick', String(i)));
    const received = await seen.until(200);
    for (let i = 200; i < 220; i++) ids.push(await emitting.publish(ref, 'tick', String(i)));
    await seen.until(220);
    expect(received.map((event) => event.id)).toEqual(ids);
    expect(received.map((event) => event.data)).toEqual(ids.map((_, i) => String(i)));
    unsubscribe();
  });

  it('reports a replay after reconnecting that Redis refuses, and keeps delivering live events', async () => {
    await using admin = redis.current.admin();
    const keyPrefix = `test-${randomUUID()}:`;
    const errors = collector<unknown>();
    await using listening = brokerResource(redis.current.connection(), { keyPrefix, onError: errors.push });
    await using emitting = brokerResource(redis.current.connection(), { keyPrefix });
    const broken = topic();
    const healthy = topic();
    const seen = collector<StoredEvent>();
    const unsubscribeBroken = await listening.subscribe(broken, () => {});
    const unsubscribe = await listening.subscribe(healthy, seen.push);
    await emitting.publish(broken, 'tick', '0');
    await emitting.publish(healthy, 'tick', '0');
    await seen.until(1);

    // Something else takes the topic's stream key, then the pub/sub connections drop: the replay
    // after reconnecting finds a string where the stream was.
    const { events } = topicKeys(keyPrefix, broken.key);
    await admin.set(events, 'not a stream');
    await redis.current.killPubSub();
    await emitting.publish(healthy, 'tick', '1');
    await seen.until(2);
    await emitting.publish(healthy, 'tick', '2');
    expect((await seen.until(3)).map((event) => event.data)).toEqual(['0', '1', '2']);
    // On a cluster the two topics may sit on different masters, whose connections come back apart.
    const refused = new RegExp(
      `could not replay topic "${broken.key}" after reconnecting; live events resume without it: WRONGTYPE`,
    );
    await errors.when((items) => items.some((error) => refused.test(String(error))), 'the refused replay');
    unsubscribeBroken();
    unsubscribe();
  });
});
