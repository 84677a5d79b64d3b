import type {
  EventPayloads,
  StreamClient,
  StreamEvent,
  StreamShape,
  Subscription,
  SubscriptionGapEvent,
} from '@tidings/client';
import { useCallback, useLayoutEffect, useRef, useSyncExternalStore } from 'react';
import { subscriptionKey } from './stable-key.ts';
import { acquireEntry, type Consumer, peekEntry, type StoreEntry } from './subscription-store.ts';
import type { StreamHookOptions } from './types.ts';

/** What a hook adds to its hold on a shared subscription: callbacks and how many events it reads. */
export interface ConsumerHooks {
  onEvent?: ((event: StreamEvent<EventPayloads>) => void) | undefined;
  onGap?: ((event: SubscriptionGapEvent) => void) | undefined;
  limit?: number | undefined;
}

type AnySubscribe = (...args: unknown[]) => Subscription;

const noop = () => {};

/**
 * The one place the hooks meet React: holds the shared subscription for (stream, params, query) while
 * mounted and enabled, and returns `select(entry)` through `useSyncExternalStore`. The server snapshot
 * (and the first render before the subscription is held) is `select(undefined)`.
 */
export function useStreamStore<TStream extends StreamShape, TSnapshot>(
  stream: StreamClient<TStream>,
  params: unknown,
  options: StreamHookOptions<TStream> | undefined,
  select: (entry: StoreEntry | undefined, enabled: boolean) => TSnapshot,
  hooks: ConsumerHooks,
): TSnapshot {
  const enabled = options?.enabled !== false;
  const query = options?.query;
  const key = enabled ? subscriptionKey(params, query) : null;

  // Read when the shared subscription opens and on every event: the latest values, with no resubscribe.
  const latest = useRef({ hooks, lastEventId: options?.lastEventId });
  useLayoutEffect(() => {
    latest.current = { hooks, lastEventId: options?.lastEventId };
  });

  // `key` holds params and query by value: a new object with the same values keeps this function, so
  // React keeps the subscription; different values give a new function, so React resubscribes.
  // biome-ignore lint/correctness/useExhaustiveDependencies: params and query are compared by value through `key`.
  const subscribe = useCallback(
    (notify: () => void) => {
      if (key === null) return noop;
      const consumer: Consumer = {
        notify,
        onEvent: (event) => latest.current.hooks.onEvent?.(event),
        onGap: (event) => latest.current.hooks.onGap?.(event),
        limit: () => latest.current.hooks.limit ?? 0,
      };
      const open = () => {
        const subscribeOptions = { query, lastEventId: latest.current.lastEventId };
        const call = stream.subscribe as AnySubscribe;
        return params === undefined ? call(subscribeOptions) : call(params, subscribeOptions);
      };
      return acquireEntry(stream, key, open, consumer);
    },
    [stream, key],
  );
  const getSnapshot = () => select(key === null ? undefined : peekEntry(stream, key), enabled);
  const getServerSnapshot = () => select(undefined, enabled);
  return useSyncExternalStore(subscribe, getSnapshot, getServerSnapshot);
}
