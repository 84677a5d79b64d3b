import type { StoredEvent } from '@tidings/server';

/** Collects events from a broker subscription and lets a test await a count. */
export interface Collector {
  readonly events: StoredEvent[];
  readonly onEvent: (event: StoredEvent) => void;
  /** Resolves once `count` events arrived; rejects after `timeoutMs`. */
  until(count: number, timeoutMs?: number): Promise<StoredEvent[]>;
}

export function collector(): Collector {
  const events: StoredEvent[] = [];
  const waiters = new Set<{ count: number; resolve: () => void }>();
  return {
    events,
    onEvent(event) {
      events.push(event);
      for (const waiter of waiters) if (events.length >= waiter.count) waiter.resolve();
    },
    until(count, timeoutMs = 10_000) {
      if (events.length >= count) return Promise.resolve(events);
      return new Promise<StoredEvent[]>((resolve, reject) => {
        const waiter = {
          count,
          resolve: () => {
            clearTimeout(timer);
            waiters.delete(waiter);
            resolve(events);
          },
        };
        const timer = setTimeout(() => {
          waiters.delete(waiter);
          reject(new Error(`expected ${count} events within ${timeoutMs} ms, got ${events.length}`));
        }, timeoutMs);
        waiters.add(waiter);
      });
    },
  };
}
