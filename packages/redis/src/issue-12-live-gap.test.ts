import { randomUUID } from 'node:crypto';
import { defineContract, defineStream } from '@tidings/contract';
import { createHub } from '@tidings/server';
import { eventSourceClient } from '@tidings/test-kit/event-source';
import { serverResource } from '@tidings/test-kit/server';
import { within } from '@tidings/test-kit/wait';
import { describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { redisBroker } from './redis-broker.ts';
import { type Connection, DEPLOYMENTS, useDeployment } from './test-support/deployments.ts';
import { brokerResource } from './test-support/resources.ts';

// Instance B lost its pub/sub connection while A emitted more than `history`; on reconnecting it
// replayed `XRANGE (<last> +` without checking what had been trimmed, and every live client on
// B silently missed the rest (350 events each, 0 gaps). Redis cutting a slow subscriber
// (client-output-buffer-limit pubsub) did the same with no network fault at all.

const HISTORY = 10;
const contract = defineContract({
  feed: defineStream({
    path: '/feed',
    events: { tick: z.object({ n: z.number().int() }) },
    history: HISTORY,
  }),
});

/** A hub on its own Redis broker (reporting to `onError`), served on 127.0.0.1. */
function servedHub(connection: Connection, keyPrefix: string, onError: (error: unknown) => void) {
  const broker = redisBroker({ ...connection, keyPrefix, onError });
  return serverResource(createHub(contract, { broker }), { broker });
}

describe.each(DEPLOYMENTS)('on a %s', (kind) => {
  const redis = useDeployment(kind);

  describe('live delivery with a hole in it (issue 12)', () => {
    it('every live client of an instance whose subscriber Redis dropped while another emitted past history gets a gap, then every event after it', async () => {
      const nodes = redis.current;
      // Instance B signs in as its own user, so the test can keep it from reconnecting while A emits.
      await nodes.everyNode('ACL', 'SETUSER', 'b', 'on', '>secret-b', '~*', '&*', '+@all');
      const keyPrefix = `test-${randomUUID()}:`;
      const errors: unknown[] = [];
      await using b = await servedHub(
        nodes.connection({ username: 'b', password: 'secret-b' }),
        keyPrefix,
        (error) => errors.push(error),
      );
      await using emitter = brokerResource(nodes.connection(), { keyPrefix });
      const a = createHub(contract, { broker: emitter });
      const clients = [0, 1, 2].map(() => eventSourceClient(`${b.url}/feed`, { types: ['tick', 'gap'] }));
      await using _clients = {
        [Symbol.asyncDispose]: async () => {
          for (const client of clients) client.source.close();
        },
      };
      await Promise.all(clients.map((client) => client.opened()));
      const ticks = (count: number, from: number) =>
        (async () => {
          for (let n = from; n < from + count; n++) await a.streams.feed.emit('tick', { n });
        })();
      await ticks(2, 0);
      await Promise.all(clients.map((c) => c.until((events) => events.length >= 2, 'the first two ticks')));

      // B's pub/sub connection drops and cannot come back while A emits 5 × history events.
      await nodes.everyNode('ACL', 'SETUSER', 'b', 'off');
      expect(await nodes.killPubSub('b')).toBe(1);
      await vi.waitFor(
        () =>
          expect(errors.map(String).join('\n')).toMatch(/pub\/sub connection to Redis( node \S+)? was lost/),
        {
          timeout: 10_000,
          interval: 10,
        },
      );
      await ticks(5 * HISTORY, 2);
      await nodes.everyNode('ACL', 'SETUSER', 'b', 'on');
      // Live again: these arrive after the catch-up.
      await vi.waitFor(() => expect(b.hub.stats().liveGaps).toBe(1), { timeout: 15_000, interval: 20 });
      await ticks(5, 2 + 5 * HISTORY);
      const last = 2 + 5 * HISTORY + 5 - 1;

      for (const client of clients) {
        await client.until((events) => events.at(-1)?.data === `{"n":${last}}`, 'the last live tick');
        const types = client.events.map((event) => event.type);
        expect(types.filter((type) => type === 'gap')).toHaveLength(1);
        const at = types.indexOf('gap');
        const gap = JSON.parse(client.events[at]!.data);
        expect(gap.lastEventId).toBe(client.events[1]!.id);
        // After the gap: the oldest event still stored, then every later one, once and in order.
        const after = client.events.slice(at + 1).map((event) => JSON.parse(event.data).n as number);
        expect(client.events[at + 1]!.id).toBe(gap.oldestAvailableId);
        expect(after).toEqual(Array.from({ length: after.length }, (_, i) => after[0]! + i));
        expect(after.at(-1)).toBe(last);
        expect(after[0]).toBeGreaterThan(2);
        expect(client.events.slice(0, at).map((event) => JSON.parse(event.data).n)).toEqual([0, 1]);
      }
      expect(b.hub.stats()).toMatchObject({ liveGaps: 1, gapsSignalled: 3 });
      expect(errors.map(String).join('\n')).toMatch(
        /topic "feed": events after \S+ were trimmed from its history \(10 kept\)/,
      );
      await a.close();
    });

    it('reports no gap when the events missed while the subscriber was down are all still stored', async () => {
      const keyPrefix = `test-${randomUUID()}:`;
      const errors: unknown[] = [];
      await using b = await servedHub(redis.current.connection(), keyPrefix, (error) => errors.push(error));
      await using emitter = brokerResource(redis.current.connection(), { keyPrefix });
      const a = createHub(contract, { broker: emitter });
      await using client = eventSourceClient(`${b.url}/feed`, { types: ['tick', 'gap'] });
      await client.opened();
      await redis.current.killPubSub();
      for (let n = 0; n < HISTORY - 2; n++) await a.streams.feed.emit('tick', { n });
      await client.until((events) => events.length >= HISTORY - 2, 'every tick');
      expect(client.events.map((event) => event.type)).not.toContain('gap');
      expect(b.hub.stats()).toMatchObject({ liveGaps: 0, gapsSignalled: 0 });
      await a.close();
    });
  });

  describe('listeners on the Redis connections (issue 12)', () => {
    it('many calls waiting for the first connection, and many topics catching up, add no listener each', async () => {
      const warnings: Error[] = [];
      const onWarning = (warning: Error) => warnings.push(warning);
      process.on('warning', onWarning);
      try {
        await using broker = brokerResource(redis.current.connection());
        const topics = Array.from({ length: 30 }, (_, i) => ({ key: `t${i}`, history: 10 }));
        // The broker is still connecting: every call waits for the same first connection.
        await Promise.all(topics.map((topic) => broker.publish(topic, 'tick', '0')));
        const unsubscribes = await Promise.all(topics.map((topic) => broker.subscribe(topic, () => {})));
        const replayed = await Promise.all(topics.map((topic) => broker.replay(topic, '0-0')));
        expect(replayed.every((result) => result.events.length === 1)).toBe(true);
        // Every live topic catches up at once after the pub/sub connection drops.
        await redis.current.killPubSub();
        const probe = { key: 'probe', history: 1 };
        let resolveSeen!: (data: string) => void;
        const seen = new Promise<string>((resolve) => {
          resolveSeen = resolve;
        });
        // Subscribing fails fast until the pub/sub connection is back.
        const unsubscribeProbe = await vi.waitFor(
          () => broker.subscribe(probe, (event) => resolveSeen(event.data)),
          {
            timeout: 10_000,
            interval: 20,
          },
        );
        unsubscribes.push(unsubscribeProbe);
        await broker.publish(probe, 'tick', '"probe"');
        expect(await within(seen, 10_000, 'the probe event')).toBe('"probe"');
        for (const unsubscribe of unsubscribes) unsubscribe();
        await new Promise((resolve) => setImmediate(resolve));
      } finally {
        process.off('warning', onWarning);
      }
      expect(
        warnings.filter((warning) => warning.name === 'MaxListenersExceededWarning').map(String),
      ).toEqual([]);
    });
  });
});
