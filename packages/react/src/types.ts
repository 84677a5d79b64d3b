import type {
  StreamEvent,
  StreamShape,
  SubscribeOptions,
  SubscriptionGapEvent,
  SubscriptionStatus,
  TidingsError,
} from '@tidings/client';

/**
 * The params argument of a hook: the stream's path params, or `undefined` for a stream without any
 * (as tRPC takes `undefined` for a procedure without input).
 */
export type StreamParams<TStream extends StreamShape> = [keyof TStream['params']] extends [never]
  ? undefined
  : TStream['params'];

/** Where a hook's subscription stands: `idle` while `enabled` is false, else the client's status. */
export type HookStatus = 'idle' | SubscriptionStatus;

/** What `useSubscription` returns: the status and the last error; a new object only when one of them changes. */
export interface SubscriptionState {
  /** `idle` while disabled; `connecting` until the stream opens and again while it reconnects; `open`; `closed` for good. */
  readonly status: HookStatus;
  /** The last error since the stream last opened (a fatal one stays: it closed the subscription). */
  readonly error: TidingsError | undefined;
}

/** Options every hook takes: they pick the subscription a component shares with others. */
export interface StreamHookOptions<TStream extends StreamShape = StreamShape> {
  /**
   * Subscribe only while true; while false the hook holds no subscription and reports `idle`.
   * @default true
   */
  enabled?: boolean | undefined;
  /**
   * Resume after this event id when the shared subscription opens; later changes do not resubscribe.
   * @default undefined
   */
  lastEventId?: string | undefined;
  /**
   * The query string, for a stream that declares a `query` schema; compared by value like params.
   * @default undefined
   */
  query?: SubscribeOptions<TStream>['query'] | undefined;
}

/** Options of `useSubscription`. */
export interface UseSubscriptionOptions<TStream extends StreamShape = StreamShape>
  extends StreamHookOptions<TStream> {
  /**
   * Called with every event of the stream while the component is mounted (the latest function is used; no resubscribe).
   * @default undefined
   */
  onEvent?: ((event: StreamEvent<TStream['events']>) => void) | undefined;
  /**
   * Called when events may have been missed (refetch a snapshot), with the client's `gap` event.
   * @default undefined
   */
  onGap?: ((event: SubscriptionGapEvent) => void) | undefined;
}

/** Options of `useLatest`. */
export interface UseLatestOptions<TStream extends StreamShape = StreamShape>
  extends StreamHookOptions<TStream> {}

/** Options of `useEvents`. */
export interface UseEventsOptions<TStream extends StreamShape = StreamShape>
  extends StreamHookOptions<TStream> {
  /**
   * How many of the most recent events to return (an integer from 1).
   * @default 100
   */
  limit?: number | undefined;
}
