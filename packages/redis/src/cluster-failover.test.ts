import { randomUUID } from 'node:crypto';
import { isTidingsError, topicKey } from '@tidings/contract';
import { compareEventIds } from '@tidings/contract/wire';
import { eventSourceClient, type ReceivedEvent } from '@tidings/test-kit/event-source';
import { within } from '@tidings/test-kit/wait';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { topicKeys } from './keys.ts';
import { redisBroker } from './redis-broker.ts';
import { useDeployment } from './test-support/deployments.ts';
import { instanceResource } from './test-support/instance.ts';
import type { RedisServerHandle } from './testing/index.ts';

// Two replicas per master: once one takes over, the new master still has a replica to confirm
// writes to (`waitForReplicas: 1`). A master silent for 1 s counts as failed.
const redis = useDeployment('Redis Cluster', { replicasPerMaster: 2, nodeTimeoutMs: 1_000 });

let killed: RedisServerHandle | undefined;
afterEach(async () => {
  // The killed master comes back as a replica, so the next test starts from a healthy cluster.
  if (killed && !killed.running) await killed.restart();
  killed = undefined;
  await redis.current.cluster!.healthy();
});

/** Kills (SIGKILL) the master that serves `name`'s slot. */
async function killMasterOf(name: string): Promise<RedisServerHandle> {
  const master = await redis.current.cluster!.masterOf(name);
  killed = master;
  await master.kill();
  return master;
}

describe('redisBroker on a Redis Cluster whose master dies', () => {
  it("fails calls for the dead master's topics at once, and serves them from the replica that takes over", async () => {
    const keyPrefix = `test-${randomUUID()}:`;
    // Timeouts of a minute: had the calls waited for them instead of failing fast, the bounded wait below would fail.
    const broker = redisBroker({
      ...redis.current.connection(),
      keyPrefix,
      connectTimeoutMs: 60_000,
      commandTimeoutMs: 60_000,
      waitForReplicas: 1,
    });
    const ref = { key: `topic-${randomUUID()}`, history: 100 };
    const before = await broker.publish(ref, 'tick', '1');
    const master = await killMasterOf(topicKeys(keyPrefix, ref.key).events);

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
    for (const outcome of outcomes) {
      const reason = (outcome as PromiseRejectedResult).reason;
      expect(isTidingsError(reason) && reason.code).toBe('BROKER_ERROR');
      expect(String(reason)).toMatch(
        /^TidingsBrokerError: @tidings\/redis: could not .+: (Redis|the Redis Cluster) is /,
      );
    }

    await redis.current.cluster!.healthy();
    expect((await redis.current.cluster!.masterOf(topicKeys(keyPrefix, ref.key).events)).port).not.toBe(
      master.port,
    );
    // The cluster is whole again, but the broker's client may still route the slot to the dead
    // master's closed connection until it reloads the slot map (on a MOVED, or every 5 s): calls
    // fail fast until then. A replay (read only, safe to repeat) shows when it routes again; a
    // publish is not retried here, as one that failed on a closed connection may have been stored.
    await vi.waitFor(() => broker.replay(ref, before), { timeout: 15_000, interval: 100 });
    const after = await broker.publish(ref, 'tick', '3');
    // The replica had the event the master confirmed, so the broker still vouches for it: no gap.
    expect(await broker.replay(ref, before)).toEqual({
      gap: false,
      events: [{ id: after, name: 'tick', data: '3' }],
      oldestAvailableId: before,
    });
    await broker.close();
  });

  it('a master killed mid-stream: every client on another instance gets every emitted event once, in order, or a gap before the missing ones', async () => {
    const { cluster } = redis.current;
    const keyPrefix = `e2e-${randomUUID()}:`;
    const errors: unknown[] = [];
    // A emits, B serves the clients; A's emits resolve once a replica has the event.
    await using a = await instanceResource(redis.current.connection(), keyPrefix, {
      broker: { waitForReplicas: 1, commandTimeoutMs: 2_000 },
    });
    await using b = await instanceResource(redis.current.connection(), keyPrefix, {
      broker: { onError: (error) => errors.push(error) },
    });
    const clients = [0, 1, 2].map(() =>
      eventSourceClient(`${b.url}/ticker/ACME`, { types: ['quote', 'halted', 'gap'] }),
    );
    await using _clients = {
      [Symbol.asyncDispose]: async () => {
        for (const client of clients) client.source.close();
      },
    };
    await Promise.all(clients.map((client) => client.opened()));
    const { channel } = topicKeys(keyPrefix, topicKey('ticker', { symbol: 'ACME' }));
    expect(await redis.current.subscribers(channel)).toBe(1);

    const resolved = new Map<string, number>();
    const rejected = new Set<number>();
    let n = 0;
    let failedOver = false;
    let stopped = false;
    let resolvedAtFailover = 0;
    let killed!: (master: Promise<RedisServerHandle>) => void;
    const kill = new Promise<Promise<RedisServerHandle>>((resolve) => {
      killed = resolve;
    });
    let killing = false;
    const emit = async (): Promise<void> => {
      const mine = n++;
      try {
        resolved.set(
          await a.hub.streams.ticker.emit({ symbol: 'ACME' }, 'quote', { n: mine, price: 1 }),
          mine,
        );
      } catch (error) {
        expect(isTidingsError(error) && error.code).toBe('BROKER_ERROR');
        rejected.add(mine);
        // Rejections come fast while the shard is down: let the failover and the clients run.
        await new Promise((resolve) => setImmediate(resolve));
      }
    };
    // Emits run continuously, a few at a time; the master dies in the middle of them.
    const emitting = (async () => {
      while (!stopped && (!failedOver || resolved.size < resolvedAtFailover + 200)) {
        await Promise.all([emit(), emit(), emit()]);
        if (!killing && resolved.size >= 300) {
          killing = true;
          killed(killMasterOf(channel));
        }
      }
    })();
    const failover = (async () => {
      await await within(kill, 15_000, '300 emits before the kill');
      await cluster!.healthy(20_000);
      resolvedAtFailover = resolved.size;
      failedOver = true;
    })();
    try {
      await within(Promise.all([emitting, failover]), 30_000, 'the failover and 200 emits after it');
    } finally {
      stopped = true;
      await emitting;
    }
    const master = await await kill;
    expect((await cluster!.masterOf(channel)).port).not.toBe(master.port);
    expect(rejected.size).toBeGreaterThan(0);

    const end = await a.hub.streams.ticker.emit({ symbol: 'ACME' }, 'halted', { reason: 'end' });
    for (const client of clients) {
      await client.until((events) => events.at(-1)?.id === end, 'the end marker', 15_000);
      expectEveryEventOrAGap(client.events, resolved, rejected);
      // The SSE connection stayed open the whole time.
      expect({ errors: client.errors, opens: client.opens }).toEqual({ errors: 0, opens: 1 });
    }
    expect(errors.map(String)).toContainEqual(
      expect.stringMatching(/the pub\/sub connection to Redis node 127\.0\.0\.1:\d+ was lost/),
    );
  });
});

/**
 * Checks what one client received: ids strictly increasing, each event once, each quote one that
 * was emitted (a rejected emit may still have been stored), and every emit that resolved either
 * received or behind a `gap` frame that sits where it would have been.
 */
function expectEveryEventOrAGap(
  events: readonly ReceivedEvent[],
  resolved: ReadonlyMap<string, number>,
  rejected: ReadonlySet<number>,
): void {
  const frames = events.map((event) => ({ ...event, gap: event.type === 'gap' }));
  const data = frames.filter((frame) => !frame.gap);
  for (let i = 1; i < data.length; i++) expect(compareEventIds(data[i - 1]!.id, data[i]!.id)).toBe(-1);
  for (const frame of data) {
    if (frame.type !== 'quote') continue;
    const mine = JSON.parse(frame.data).n as number;
    if (resolved.has(frame.id)) expect(resolved.get(frame.id)).toBe(mine);
    else expect(rejected.has(mine)).toBe(true);
  }
  const received = new Set(data.map((frame) => frame.id));
  for (const id of resolved.keys()) {
    if (received.has(id)) continue;
    // Missing: a gap frame must come after every received event older than it and before every newer one.
    const before = frames.findLastIndex((frame) => !frame.gap && compareEventIds(frame.id, id) === -1);
    const after = frames.findIndex((frame) => !frame.gap && compareEventIds(frame.id, id) === 1);
    const between = frames.slice(before + 1, after < 0 ? frames.length : after);
    expect(
      between.some((frame) => frame.gap),
      `event ${id} neither received nor behind a gap`,
    ).toBe(true);
  }
}
