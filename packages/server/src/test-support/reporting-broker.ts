import type { Broker, BrokerObserver, LiveGap } from '../broker.ts';
import { memoryBroker } from '../memory-broker.ts';

/**
 * A memory broker that reports as a networked one would: a hole in live delivery on demand
 * (`loseEvents`), and to its observers a publish latency of `publishSeconds` per publish, an
 * outage (`disconnect`) and a reconnect (`reconnect`).
 */
export function reportingBroker({ publishSeconds = 0.002 }: { publishSeconds?: number } = {}) {
  const inner = memoryBroker();
  const onGaps = new Map<string, Set<(gap: LiveGap) => void>>();
  const observers = new Set<BrokerObserver>();
  const broker: Broker = {
    async publish(topic, name, data) {
      const id = await inner.publish(topic, name, data);
      for (const observer of observers) observer.published(publishSeconds);
      return id;
    },
    async subscribe(topic, onEvent, onGap) {
      const unsubscribe = await inner.subscribe(topic, onEvent);
      const listeners = onGaps.get(topic.key) ?? new Set();
      onGaps.set(topic.key, listeners);
      const listener = (gap: LiveGap) => onGap?.(gap);
      listeners.add(listener);
      return () => {
        listeners.delete(listener);
        unsubscribe();
      };
    },
    replay: (topic, afterId) => inner.replay(topic, afterId),
    latestId: (topic) => inner.latestId(topic),
    observe(observer) {
      observers.add(observer);
      return () => observers.delete(observer);
    },
    close: () => inner.close(),
  };
  return {
    broker,
    observers,
    /** Reports a hole in live delivery of one topic to its subscribers. */
    loseEvents(key: string, gap: LiveGap): void {
      for (const listener of onGaps.get(key) ?? []) listener(gap);
    },
    disconnect(): void {
      for (const observer of observers) observer.connectionLost();
    },
    reconnect(): void {
      for (const observer of observers) observer.connectionRestored();
    },
    [Symbol.asyncDispose]: () => inner.close(),
  };
}
