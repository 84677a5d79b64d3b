import type { ContractShape, TidingsError } from '@tidings/contract';
import type { EventSourceConstructorLike } from './event-source-transport.ts';
import type { FetchLike } from './fetch-transport.ts';

/** One stream of a contract shape: its params and its events' payloads. */
export type StreamShape = ContractShape[string];

/** Event name → payload of one stream. */
export type EventPayloads = StreamShape['events'];

/** The values a query string accepts; `undefined` leaves the key out, an array repeats it. */
export type QueryValues = {
  readonly [key: string]: string | number | boolean | undefined | readonly (string | number | boolean)[];
};

/** Request headers, or a function called before every (re)connect (so a refreshed token is picked up). */
export type HeadersOption =
  | Readonly<Record<string, string>>
  | (() => Readonly<Record<string, string>> | Promise<Readonly<Record<string, string>>>);

/** How the client reconnects after a connection drops. */
export interface ReconnectOptions {
  /**
   * The base of the exponential backoff when the server sent no `retry:` (or `retry: 0`).
   * @default 1000
   */
  initialDelayMs?: number | undefined;
  /**
   * The cap of the exponential backoff (a server's `retry:` or `retry-after` may ask for more).
   * @default 30000
   */
  maxDelayMs?: number | undefined;
  /**
   * Consecutive failed attempts (connections that failed, or ended without delivering an event) before the subscription gives up and closes with the last error.
   * @default Infinity
   */
  maxAttempts?: number | undefined;
}

/** Options of `createClient`. */
export interface ClientOptions {
  /** The URL the Fastify plugin is registered at, e.g. `http://localhost:3000/streams` (relative in a browser). */
  baseUrl: string;
  /**
   * Headers sent with every request (fetch transport only), or a function called on every (re)connect.
   * @default {}
   */
  headers?: HeadersOption | undefined;
  /**
   * The `fetch` the fetch transport uses.
   * @default globalThis.fetch
   */
  fetch?: FetchLike | undefined;
  /**
   * `'fetch'` streams with `fetch` (custom headers, heartbeat watchdog); `'eventsource'` uses an `EventSource` (cookies only).
   * @default 'fetch'
   */
  transport?: 'fetch' | 'eventsource' | undefined;
  /**
   * The `EventSource` class the eventsource transport uses (the `eventsource` package in Node 20).
   * @default globalThis.EventSource
   */
  EventSource?: EventSourceConstructorLike | undefined;
  /**
   * Whether cookies go with cross-origin requests (`withCredentials` for the eventsource transport).
   * @default 'same-origin'
   */
  credentials?: 'omit' | 'same-origin' | 'include' | undefined;
  /**
   * Reconnect options, or `false` to close a subscription when its connection drops.
   * @default {}
   */
  reconnect?: ReconnectOptions | false | undefined;
  /**
   * How long each connection may wait for the server's response before it is aborted, reported as an `error` event and retried with backoff; `0` waits forever.
   * @default 15000
   */
  connectTimeoutMs?: number | undefined;
  /**
   * How long a stream may stay silent, when the server announces no heartbeat, before the fetch transport drops it and resumes; `0` waits forever.
   * @default 60000
   */
  idleTimeoutMs?: number | undefined;
  /**
   * The largest line or event the fetch transport buffers (counted in characters of decoded text, bytes for ASCII); past it the connection is dropped with an `error` event and resumed.
   * @default 1048576
   */
  maxEventBytes?: number | undefined;
  /**
   * Validate received payloads against the contract's schemas; a payload that fails is an `error` event. Needs the contract, not a descriptor.
   * @default false
   */
  validate?: boolean | undefined;
  /**
   * Carry every subscription of this client over one connection (`true`), or give each its own (`false`: the
   * plain per-stream routes, which any SSE server of the contract serves).
   * @default true
   */
  multiplex?: boolean | undefined;
  /**
   * Share one connection between the tabs of this origin that use the same `baseUrl` and contract: one
   * tab (elected with the Web Locks API) holds it, the others get their events over a `BroadcastChannel`,
   * and another tab takes over when it closes. Needs `multiplex`; where the platform lacks Web Locks or
   * `BroadcastChannel` (Node), each client keeps its own connection.
   * @default false
   */
  shareAcrossTabs?: boolean | undefined;
}

/** Options of one subscription. */
export interface SubscribeOptions<TStream extends StreamShape = StreamShape> {
  /**
   * Resume after this event id (the server replays what came after it).
   * @default undefined
   */
  lastEventId?: string | undefined;
  /**
   * Closes the subscription when aborted.
   * @default undefined
   */
  signal?: AbortSignal | undefined;
  /**
   * The query string, for a stream that declares a `query` schema.
   * @default undefined
   */
  query?: (TStream extends { readonly query: infer TQuery } ? TQuery : QueryValues) | undefined;
}

/** `connecting` until the stream opens, again while it reconnects; `closed` for good. */
export type SubscriptionStatus = 'connecting' | 'open' | 'closed';

/** One event of a stream, discriminated on `type`. */
export type StreamEvent<TEvents extends EventPayloads> = {
  [TEvent in keyof TEvents & string]: {
    readonly type: TEvent;
    readonly data: TEvents[TEvent];
    readonly id: string;
  };
}[keyof TEvents & string];

/** The stream is open (fired on every successful (re)connect). */
export interface SubscriptionOpenEvent {
  readonly type: 'open';
}

/** Something went wrong; `fatal` when it closed the subscription (else it goes on, reconnecting if need be). */
export interface SubscriptionErrorEvent {
  readonly type: 'error';
  readonly error: TidingsError;
  readonly fatal: boolean;
}

/**
 * Events may have been missed (refetch a snapshot): the server could not replay everything after
 * `lastEventId`, or the stream reopened before any event gave it a position (`lastEventId` undefined).
 */
export interface SubscriptionGapEvent {
  readonly type: 'gap';
  readonly lastEventId: string | undefined;
  readonly oldestAvailableId: string | undefined;
}

/** The subscription closed for good; `error` is set when a non-retryable error closed it. */
export interface SubscriptionCloseEvent {
  readonly type: 'close';
  readonly error: TidingsError | undefined;
}

/** Lifecycle event name → event. */
export interface LifecycleEvents {
  open: SubscriptionOpenEvent;
  error: SubscriptionErrorEvent;
  gap: SubscriptionGapEvent;
  close: SubscriptionCloseEvent;
}

/** Every event a subscription dispatches, by name: the stream's events plus the lifecycle ones. */
export type SubscriptionEventMap<TEvents extends EventPayloads> = {
  [TEvent in keyof TEvents & string]: Extract<StreamEvent<TEvents>, { readonly type: TEvent }>;
} & LifecycleEvents;

/** Options of `addEventListener`. */
export interface ListenerOptions {
  /**
   * Remove the listener after its first call.
   * @default false
   */
  once?: boolean | undefined;
  /**
   * Removes the listener when aborted.
   * @default undefined
   */
  signal?: AbortSignal | undefined;
}

/** A live subscription to one topic: typed listeners, async iteration, status and resume position. */
export interface Subscription<TEvents extends EventPayloads = EventPayloads>
  extends AsyncIterable<StreamEvent<TEvents>> {
  /** Where the connection stands. */
  readonly status: SubscriptionStatus;
  /** The id of the last event received; sent as `Last-Event-ID` on reconnect. */
  readonly lastEventId: string | undefined;
  /** Adds a listener for a stream event or a lifecycle event (`open`, `error`, `gap`, `close`). */
  addEventListener<TName extends keyof SubscriptionEventMap<TEvents> & string>(
    type: TName,
    listener: (event: SubscriptionEventMap<TEvents>[TName]) => void,
    options?: ListenerOptions,
  ): void;
  /** Removes a listener added with `addEventListener`. */
  removeEventListener<TName extends keyof SubscriptionEventMap<TEvents> & string>(
    type: TName,
    listener: (event: SubscriptionEventMap<TEvents>[TName]) => void,
  ): void;
  /** Iterates the stream's events; ends when the subscription closes, throws the error that closed it. */
  [Symbol.asyncIterator](): AsyncIterator<StreamEvent<TEvents>, undefined>;
  /** Stops the subscription and all its network activity. */
  close(): void;
  /** Same as `close()`, for `using`. */
  [Symbol.dispose](): void;
}

/** The client of one stream. A stream without path params takes no params argument. */
export interface StreamClient<TStream extends StreamShape> {
  /** Opens a subscription to one topic of the stream. */
  subscribe: [keyof TStream['params']] extends [never]
    ? (options?: SubscribeOptions<TStream>) => Subscription<TStream['events']>
    : (params: TStream['params'], options?: SubscribeOptions<TStream>) => Subscription<TStream['events']>;
}

/** A typed client: one property per stream, plus `close()`. */
export type TidingsClient<TShape extends ContractShape> = {
  readonly [TStream in Exclude<keyof TShape & string, 'close'>]: StreamClient<TShape[TStream]>;
} & {
  /** Closes every subscription of this client; `subscribe` throws afterwards. */
  close(): void;
  /** Same as `close()`, for `using`. */
  [Symbol.dispose](): void;
};
