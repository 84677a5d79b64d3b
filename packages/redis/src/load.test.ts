import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { DEPLOYMENTS, useDeployment } from './test-support/deployments.ts';
import { instanceResource } from './test-support/instance.ts';
import { openCounters } from './test-support/sse-counter.ts';

const INSTANCES = 2;
const CLIENTS_PER_INSTANCE = 500;
const EVENTS = 20_000;
const TOPICS = 10;
const PER_TOPIC = EVENTS / TOPICS;
const WINDOW = 200;

const symbol = (topic: number) => `S${String.fromCharCode(65 + topic)}`;

describe.each(DEPLOYMENTS)('redisBroker on a %s under load', (kind) => {
  const redis = useDeployment(kind);

  it(`${INSTANCES} instances × ${CLIENTS_PER_INSTANCE} clients × ${EVENTS} events: nothing lost, nothing twice, order kept per topic`, async () => {
    const keyPrefix = `load-${randomUUID()}:`;
    await using a = await instanceResource(redis.current.connection(), keyPrefix);
    await using b = await instanceResource(redis.current.connection(), keyPrefix);
    const instances = [a, b];

    // Client i listens to topic i % TOPICS on instance floor(i / CLIENTS_PER_INSTANCE).
    const urls = Array.from({ length: INSTANCES * CLIENTS_PER_INSTANCE }, (_, i) => {
      const instance = instances[Math.floor(i / CLIENTS_PER_INSTANCE)]!;
      return `${instance.url}/ticker/${symbol(i % TOPICS)}`;
    });
    await using clients = await openCounters(urls, 20_000);
    for (let topic = 0; topic < TOPICS; topic++) {
      expect(a.hub.streams.ticker.subscriberCount({ symbol: symbol(topic) })).toBe(
        CLIENTS_PER_INSTANCE / TOPICS,
      );
      expect(b.hub.streams.ticker.subscriberCount({ symbol: symbol(topic) })).toBe(
        CLIENTS_PER_INSTANCE / TOPICS,
      );
    }

    // Each topic is emitted by one instance (half by A, half by B), in windows of concurrent
    // emits: one connection keeps a topic's ids in call order, so `n` follows the id order.
    const lastIds: string[] = [];
    await Promise.all(
      Array.from({ length: TOPICS }, async (_, topic) => {
        const emit = instances[topic % INSTANCES]!.hub.streams.ticker.emit;
        for (let start = 0; start < PER_TOPIC; start += WINDOW) {
          const ids = await Promise.all(
            Array.from({ length: WINDOW }, (_, i) =>
              emit({ symbol: symbol(topic) }, 'quote', { n: start + i, price: topic }),
            ),
          );
          lastIds[topic] = ids.at(-1)!;
        }
      }),
    );

    await clients.until(() => PER_TOPIC, 30_000);
    clients.counters.forEach((counter, i) => {
      expect(counter.problem).toBeUndefined();
      expect(counter.count).toBe(PER_TOPIC);
      expect(counter.lastId).toBe(lastIds[i % TOPICS]);
    });
    expect(a.hub.stats().framesWritten + b.hub.stats().framesWritten).toBe(urls.length * PER_TOPIC);
  });
});
