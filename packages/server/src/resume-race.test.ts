import { defineContract, defineStream } from '@tidings/contract';
import { serverResource } from '@tidings/test-kit/server';
import { openSse } from '@tidings/test-kit/sse';
import { within } from '@tidings/test-kit/wait';
import { expect, it } from 'vitest';
import { z } from 'zod';
import type { Broker } from './broker.ts';
import { createHub } from './create-hub.ts';
import { memoryBroker } from './memory-broker.ts';

const contract = defineContract({
  feed: defineStream({ path: '/feed', events: { item: z.object({ n: z.number() }) }, history: 2_000 }),
});

const EVENTS = 1_000;
const CLIENTS = 50;
/** Connections every client makes at least: the hand-overs exercised do not depend on timing. */
const MIN_ROUNDS = 6;

/** A memory broker whose replay reads the store a turn later, as Redis does: replay and live events overlap. */
function laggyBroker(): Broker {
  const inner = memoryBroker();
  return {
    publish: (topic, name, data) => inner.publish(topic, name, data),
    subscribe: (topic, onEvent) => inner.subscribe(topic, onEvent),
    replay: async (topic, afterId) => {
      await new Promise((resolve) => setTimeout(resolve, 3));
      return inner.replay(topic, afterId);
    },
    close: () => inner.close(),
  };
}

it.each([
  ['memoryBroker', () => memoryBroker()],
  ['a broker whose replay overlaps live delivery', laggyBroker],
])(
  'hands over from replay to live with no gap and no duplicate while 50 clients keep reconnecting (%s)',
  async (_name, makeBroker) => {
    const broker = makeBroker();
    await using _broker = { [Symbol.asyncDispose]: () => broker.close() };
    await using hub = createHub(contract, { heartbeatMs: 20, broker });
    await using server = await serverResource(hub);
    const emitted: string[] = [];
    let finalId: string | undefined;
    let reconnects = 0;

    async function client(seed: number, ready: () => void): Promise<string[]> {
      const seen: string[] = [];
      let random = seed * 7919 + 1;
      const nextRandom = () => {
        random = (random * 48_271) % 2_147_483_647;
        return random;
      };
      for (let round = 0; round < 2_000; round++) {
        const headers: Record<string, string> = seen.length > 0 ? { 'last-event-id': seen.at(-1)! } : {};
        await using stream = await openSse(`${server.url}/feed`, headers);
        if (stream.status !== 200) throw new Error(`status ${stream.status}`);
        if (round === 0) ready();
        const quota = 1 + (nextRandom() % 20);
        // At least MIN_ROUNDS connections each, however fast or slow the machine is.
        const done = () =>
          round + 1 >= MIN_ROUNDS &&
          finalId !== undefined &&
          (stream.events.at(-1)?.id ?? seen.at(-1)) === finalId;
        await stream.when(() => stream.events.length >= quota || done(), 'quota or the end', 20_000);
        for (const event of stream.events) seen.push(event.id!);
        if (done()) return seen;
        reconnects++;
      }
      throw new Error('too many rounds');
    }

    // Every client is connected (fresh) before the first event.
    const readiness: Promise<void>[] = [];
    const clients = Array.from({ length: CLIENTS }, (_, i) => {
      let ready!: () => void;
      readiness.push(new Promise<void>((resolve) => (ready = resolve)));
      return client(i + 1, ready);
    });
    await within(Promise.all(readiness), 30_000, 'every client to connect');

    for (let i = 0; i < EVENTS; i += 5) {
      const burst = await Promise.all(
        Array.from({ length: 5 }, (_, j) => hub.streams.feed.emit('item', { n: i + j })),
      );
      emitted.push(...burst);
      await new Promise((resolve) => setTimeout(resolve, 1)); // pace the emitter so reconnections interleave
    }
    finalId = emitted.at(-1);

    const results = await Promise.all(clients);
    expect(emitted).toHaveLength(EVENTS);
    for (const seen of results) expect(seen).toEqual(emitted);
    expect(reconnects).toBeGreaterThanOrEqual(CLIENTS * (MIN_ROUNDS - 1));
    // Every reconnect is a resume; a client's last one may close before its replay is answered
    // (it already holds the final id), and the server does not count a replay nobody received.
    expect(hub.stats().replaysServed).toBeGreaterThanOrEqual(reconnects - CLIENTS);
    expect(hub.stats().gapsSignalled).toBe(0);
  },
  60_000,
);
