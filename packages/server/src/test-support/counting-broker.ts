import type { Broker } from '../broker.ts';
import { memoryBroker } from '../memory-broker.ts';

/** A memory broker wrapped to count subscriptions and, optionally, hold `subscribe` until released. */
export function countingBroker(options: { holdSubscribe?: boolean } = {}) {
  const inner = memoryBroker();
  const counts = { subscribe: 0, unsubscribe: 0, replay: 0 };
  let release!: () => void;
  const gate = options.holdSubscribe
    ? new Promise<void>((resolve) => {
        release = resolve;
      })
    : Promise.resolve();
  const broker: Broker = {
    publish: (topic, name, data) => inner.publish(topic, name, data),
    async subscribe(topic, onEvent) {
      counts.subscribe++;
      const unsubscribe = await inner.subscribe(topic, onEvent);
      await gate;
      return () => {
        counts.unsubscribe++;
        unsubscribe();
      };
    },
    replay(topic, afterId) {
      counts.replay++;
      return inner.replay(topic, afterId);
    },
    close: () => inner.close(),
  };
  return { broker, counts, release: () => release?.(), [Symbol.asyncDispose]: () => inner.close() };
}
