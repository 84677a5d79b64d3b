import type { StreamClient, StreamShape } from '@tidings/client';
import type { StreamParams, SubscriptionState, UseSubscriptionOptions } from './types.ts';
import { type ConsumerHooks, useStreamStore } from './use-stream-store.ts';

const IDLE: SubscriptionState = Object.freeze({ status: 'idle', error: undefined });
const CONNECTING: SubscriptionState = Object.freeze({ status: 'connecting', error: undefined });

/**
 * Subscribes the component to one topic of a stream (shared with every component on the same stream
 * and params) and returns its status and last error; `onEvent` receives each event, typed.
 * @example
 * const { status, error } = useSubscription(client.ticker, { symbol: 'ACME' }, {
 *   onEvent: (e) => {
 *     if (e.type === 'quote') console.log(e.data.price, e.id);
 *   },
 * });
 */
export function useSubscription<TStream extends StreamShape>(
  stream: StreamClient<TStream>,
  params: NoInfer<StreamParams<TStream>>,
  options?: UseSubscriptionOptions<NoInfer<TStream>>,
): SubscriptionState {
  return useStreamStore(
    stream,
    params,
    options,
    (entry, enabled) => entry?.state ?? (enabled ? CONNECTING : IDLE),
    { onEvent: options?.onEvent as ConsumerHooks['onEvent'], onGap: options?.onGap },
  );
}
