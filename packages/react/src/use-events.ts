import {
  type EventPayloads,
  type StreamClient,
  type StreamEvent,
  type StreamShape,
  TidingsError,
} from '@tidings/client';
import { useRef } from 'react';
import type { StoreEntry } from './subscription-store.ts';
import type { StreamParams, UseEventsOptions } from './types.ts';
import { useStreamStore } from './use-stream-store.ts';

const EMPTY: readonly StreamEvent<EventPayloads>[] = Object.freeze([]);

interface Slice {
  readonly source: readonly StreamEvent<EventPayloads>[];
  readonly limit: number;
  readonly value: readonly StreamEvent<EventPayloads>[];
}

/**
 * The most recent events of a stream (at most `limit`, oldest first) as the contract's typed union,
 * discriminated on `type`; empty until one arrives (and on the server).
 * @example
 * const events = useEvents(client.ticker, { symbol: 'ACME' }, { limit: 20 });
 * return <ul>{events.map((e) => <li key={e.id}>{e.type === 'quote' ? e.data.price : e.data.reason}</li>)}</ul>;
 */
export function useEvents<TStream extends StreamShape>(
  stream: StreamClient<TStream>,
  params: NoInfer<StreamParams<TStream>>,
  options?: UseEventsOptions<NoInfer<TStream>>,
): readonly StreamEvent<TStream['events']>[] {
  const limit = options?.limit ?? 100;
  if (!Number.isSafeInteger(limit) || limit < 1) {
    throw new TidingsError(
      'CONFIG_INVALID',
      `@tidings/react: useEvents got limit ${limit}; pass an integer from 1 (the number of recent events to keep).`,
    );
  }
  // The same slice for the same events and limit: useSyncExternalStore needs a stable snapshot.
  const cache = useRef<Slice | undefined>(undefined);
  const select = (entry: StoreEntry | undefined) => {
    const source = entry?.events ?? EMPTY;
    const cached = cache.current;
    if (cached && cached.source === source && cached.limit === limit) return cached.value;
    const value = source.length <= limit ? source : source.slice(source.length - limit);
    cache.current = { source, limit, value };
    return value;
  };
  return useStreamStore(stream, params, options, select, { limit }) as readonly StreamEvent<
    TStream['events']
  >[];
}
