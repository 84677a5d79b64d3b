import type { StreamClient, StreamShape } from '@tidings/client';
import type { StreamParams, UseLatestOptions } from './types.ts';
import { useStreamStore } from './use-stream-store.ts';

/**
 * The latest payload of one event of a stream, typed from the contract, or `undefined` until one
 * arrives (and on the server); the component re-renders only when that event arrives.
 * @example
 * const quote = useLatest(client.ticker, { symbol: 'ACME' }, 'quote');
 * return <span>{quote ? quote.price.toFixed(2) : '…'}</span>;
 */
export function useLatest<TStream extends StreamShape, TEvent extends keyof TStream['events'] & string>(
  stream: StreamClient<TStream>,
  params: NoInfer<StreamParams<TStream>>,
  event: TEvent,
  options?: UseLatestOptions<NoInfer<TStream>>,
): TStream['events'][TEvent] | undefined {
  return useStreamStore(
    stream,
    params,
    options,
    (entry) => entry?.latest.get(event) as TStream['events'][TEvent] | undefined,
    {},
  );
}
