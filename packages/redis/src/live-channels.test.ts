import { randomUUID } from 'node:crypto';
import { isTidingsError } from '@tidings/contract';
import { compareEventIds } from '@tidings/contract/wire';
import type { LiveGap, StoredEvent } from '@tidings/server';
import { collector } from '@tidings/test-kit/collector';
import { absenceWindow } from '@tidings/test-kit/wait';
import fc from 'fast-check';
import type { Redis } from 'ioredis';
import { describe, expect, it, vi } from 'vitest';
import { clusterSlot } from './cluster-slot.ts';
import { topicKeys } from './keys.ts';
import { useDeployment } from './test-support/deployments.ts';
import { brokerResource } from './test-support/resources.ts';

/** A topic whose slot lies in the given third of the slot space (one per master in a 3-master cluster). */
function topicInThird(keyPrefix: string, third: number) {
  for (;;) {
    const ref = { key: `topic-${randomUUID()}`, history: 1_000 };
    if (Math.floor((clusterSlot(topicKeys(keyPrefix, ref.key).channel) * 3) / 16_384) === third) return ref;
  }
}

/** Pub/sub connections a node holds under `name`. */
async function pubsubConnections(node: Redis, name: string): Promise<number> {
  const list = String(await node.call('CLIENT', 'LIST', 'TYPE', 'pubsub'));
  return list.split('\n').filter((line) => line.includes(` name=${name} `)).length;
}

describe('redisBroker on a Redis Cluster: sharded pub/sub', () => {
  const redis = useDeployment('Redis Cluster');

  it('subscribes each topic with SSUBSCRIBE on the master of its slot only, and PUBLISHes nothing cluster-wide', async () => {
    const { cluster } = redis.current;
    const keyPrefix = `test-${randomUUID()}:`;
    const name = `listener-${randomUUID()}`;
    await using listening = brokerResource(
      { cluster: cluster!.startupNodes, clusterOptions: { redisOptions: { connectionName: name } } },
      { keyPrefix },
    );
    await using emitting = brokerResource(redis.current.connection(), { keyPrefix });
    const ref = topicInThird(keyPrefix, 0);
    const { channel } = topicKeys(keyPrefix, ref.key);
    // Classic subscribers on every node: a cluster-wide PUBLISH would reach each of them.
    const classic = redis.current.nodeClients().map((node) => node.duplicate());
    await using _classic = {
      [Symbol.asyncDispose]: async () => {
        for (const client of classic) client.disconnect();
      },
    };
    const broadcast: string[] = [];
    for (const client of classic) {
      client.on('error', () => {});
      await client.subscribe(channel);
      client.on('message', (_channel: string, message: string) => broadcast.push(message));
    }

    const seen = collector<StoredEvent>();
    const unsubscribe = await listening.subscribe(ref, seen.push);
    const owner = await cluster!.masterOf(channel);
    const counts = await Promise.all(
      redis.current
        .nodeClients()
        .map(async (node) => [node.options.port, await pubsubConnections(node, name)]),
    );
    // One pub/sub connection, to the master that serves the topic: none to the other masters or replicas.
    expect(counts.filter(([, count]) => count !== 0)).toEqual([[owner.port, 1]]);
    expect(await redis.current.subscribers(channel)).toBe(1);

    const id = await emitting.publish(ref, 'tick', '"only its shard"');
    expect(await seen.until(1)).toEqual([{ id, name: 'tick', data: '"only its shard"' }]);
    // A classic PUBLISH would reach the classic subscriber on the owner at once and the others
    // over the cluster bus within milliseconds.
    await absenceWindow(200);
    expect(broadcast).toEqual([]);

    // A topic on another master opens a connection to that master only.
    const other = topicInThird(keyPrefix, 1);
    const unsubscribeOther = await listening.subscribe(other, () => {});
    const otherOwner = await cluster!.masterOf(topicKeys(keyPrefix, other.key).channel);
    expect(otherOwner.port).not.toBe(owner.port);
    const after = await Promise.all(
      redis.current
        .nodeClients()
        .map(async (node) => [node.options.port, await pubsubConnections(node, name)]),
    );
    expect(after.filter(([, count]) => count !== 0).sort()).toEqual(
      [
        [owner.port, 1],
        [otherOwner.port, 1],
      ].sort(),
    );
    unsubscribe();
    unsubscribeOther();
  });

  it('hashes topics to the slots Redis itself computes (CLUSTER KEYSLOT)', async () => {
    await using admin = redis.current.admin();
    const braces = fc.constantFrom('{', '}', '{}', '}{', '');
    const keys = fc.oneof(
      fc.string({ unit: 'binary' }),
      fc.tuple(fc.string(), braces, fc.string(), braces, fc.string()).map((parts) => parts.join('')),
    );
    await fc.assert(
      fc.asyncProperty(keys, async (key) => {
        expect(clusterSlot(key)).toBe(Number(await admin.call('CLUSTER', 'KEYSLOT', key)));
      }),
      { numRuns: 300 },
    );
    expect(clusterSlot('123456789')).toBe(0x31c3);
  });

  it('follows a topic to the new master of its slot after a manual failover: nothing lost, no gap', async () => {
    const { cluster } = redis.current;
    const keyPrefix = `test-${randomUUID()}:`;
    const errors: unknown[] = [];
    await using listening = brokerResource(redis.current.connection(), {
      keyPrefix,
      onError: (error) => errors.push(error),
    });
    await using emitting = brokerResource(redis.current.connection(), { keyPrefix });
    const ref = topicInThird(keyPrefix, 1);
    const { channel } = topicKeys(keyPrefix, ref.key);
    const seen = collector<StoredEvent>();
    const gaps: LiveGap[] = [];
    const unsubscribe = await listening.subscribe(ref, seen.push, (gap) => gaps.push(gap));

    const resolved = new Map<string, string>();
    const rejected = new Set<string>();
    let n = 0;
    let stop = false;
    const emitter = (async () => {
      while (!stop) {
        const data = String(n++);
        try {
          resolved.set(await emitting.publish(ref, 'tick', data), data);
        } catch (error) {
          expect(isTidingsError(error) && error.code).toBe('BROKER_ERROR');
          rejected.add(data);
        }
        // About one event a millisecond: a steady stream, not a flood that starves the cluster.
        await new Promise((resolve) => setTimeout(resolve, 1));
      }
    })();
    try {
      await seen.until(50);
      const master = await cluster!.masterOf(channel);
      const [replica] = await cluster!.replicasOf(master);
      const replicaClient = redis.current.nodeClients().find((node) => node.options.port === replica!.port)!;
      // CLUSTER FAILOVER answers at once, and gives up after 5 s when the handshake stalls on a busy machine.
      for (let attempt = 1; ; attempt++) {
        expect(await replicaClient.call('CLUSTER', 'FAILOVER')).toBe('OK');
        try {
          await vi.waitFor(async () => expect((await cluster!.masterOf(channel)).port).toBe(replica!.port), {
            timeout: 7_000,
            interval: 20,
          });
          break;
        } catch (error) {
          if (attempt === 3) throw error;
        }
      }
      await cluster!.healthy();
      const afterFailover = n;
      await seen.when(
        (items) => items.some((event) => Number(event.data) >= afterFailover + 50),
        'an event emitted well after the failover',
        15_000,
      );
    } finally {
      stop = true;
      await emitter;
    }
    const end = await emitting.publish(ref, 'end', '"end"');
    await seen.when((items) => items.at(-1)?.id === end, 'the end marker', 15_000);

    const ids = seen.items.map((event) => event.id);
    for (let i = 1; i < ids.length; i++) expect(compareEventIds(ids[i - 1]!, ids[i]!)).toBe(-1);
    const delivered = new Map(seen.items.map((event) => [event.id, event.data]));
    for (const [id, data] of resolved) expect(delivered.get(id)).toBe(data);
    for (const event of seen.items.slice(0, -1)) {
      if (!resolved.has(event.id)) expect(rejected.has(event.data)).toBe(true);
    }
    expect(gaps).toEqual([]);
    // The subscription moved to the new master; the connection itself never dropped.
    expect(await redis.current.subscribers(channel)).toBe(1);
    expect(errors.map(String).filter((message) => /was lost/.test(message))).toEqual([]);
    unsubscribe();
  });
});
