import { EventSource } from 'eventsource';
import { createEventSourceTransport } from '../../src/event-source-transport.ts';
import { createFetchTransport } from '../../src/fetch-transport.ts';
import { createSubscription, type SubscriptionConfig } from '../../src/subscription.ts';
import type { Subscription } from '../../src/types.ts';
import { marketDescriptor } from '../fixtures/market-client.ts';

/** A subscription built without `createClient`, and every reconnect delay it scheduled. */
export interface DirectSubscription {
  readonly subscription: Subscription;
  /** The delays, in order, passed to the subscription's `schedule` seam (real timers run them). */
  readonly delays: number[];
}

/** What a test sets; everything else takes the client's defaults. */
export type DirectSubscriptionSetup = Partial<Omit<SubscriptionConfig, 'transport' | 'schedule'>> & {
  /** @default 'fetch' */
  readonly transport?: 'fetch' | 'eventsource' | undefined;
};

/**
 * Subscribes to the market fixture's `announcements` stream at `baseUrl` through the subscription's
 * test seams (`random`, `schedule`), recording the reconnect delays it chooses; real transport, real timers.
 */
export function subscribeDirect(baseUrl: string, setup: DirectSubscriptionSetup = {}): DirectSubscription {
  const delays: number[] = [];
  const { transport = 'fetch', ...rest } = setup;
  const subscription = createSubscription({
    stream: 'announcements',
    descriptor: marketDescriptor.streams.announcements,
    url: `${baseUrl}/announcements`,
    topic: { params: {}, query: undefined },
    fingerprint: marketDescriptor.fingerprint,
    transport: transport === 'fetch' ? createFetchTransport() : createEventSourceTransport({ EventSource }),
    headers: undefined,
    reconnect: { initialDelayMs: 1000, maxDelayMs: 30_000, maxAttempts: Number.POSITIVE_INFINITY },
    connectTimeoutMs: 15_000,
    schemas: undefined,
    lastEventId: undefined,
    signal: undefined,
    onClose: () => {},
    ...rest,
    schedule: (reconnect, delayMs) => {
      delays.push(delayMs);
      return setTimeout(reconnect, delayMs);
    },
  });
  return { subscription, delays };
}
