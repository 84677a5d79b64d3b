import type { Broker, StoredEvent } from '../broker.ts';
import { memoryBroker } from '../memory-broker.ts';

/** What a held broker holds back: live delivery (Redis pub/sub lagging), replays, or latest-id reads. */
export type HeldCall = 'live' | 'replay' | 'latestId';

/**
 * A memory broker that holds one kind of call until `release()`, which runs everything held so far
 * (later calls are held again). `latestId: false` leaves that optional method out.
 */
export function heldBroker(hold: HeldCall | null, { latestId = true }: { latestId?: boolean } = {}) {
  const inner = memoryBroker();
  const waiting: (() => void)[] = [];
  const later = <TResult>(what: HeldCall, call: () => Promise<TResult>): Promise<TResult> =>
    hold !== what
      ? call()
      : new Promise<TResult>((resolve, reject) => waiting.push(() => void call().then(resolve, reject)));
  const broker: Broker = {
    publish: (topic, name, data) => inner.publish(topic, name, data),
    subscribe: (topic, onEvent) =>
      inner.subscribe(topic, (event: StoredEvent) => {
        if (hold === 'live') waiting.push(() => onEvent(event));
        else onEvent(event);
      }),
    replay: (topic, afterId) => later('replay', () => inner.replay(topic, afterId)),
    close: () => inner.close(),
    ...(latestId ? { latestId: (topic) => later('latestId', () => inner.latestId(topic)) } : {}),
  };
  const release = () => {
    for (const run of waiting.splice(0)) run();
  };
  return { broker, release, [Symbol.asyncDispose]: () => inner.close() };
}
