import type { MeterProvider } from '@opentelemetry/api';
import type {
  AnyContract,
  EventInputsOf,
  ParamsOf,
  QueryOf,
  StreamNames,
  ValidationIssue,
} from '@tidings/contract';
import type {
  FastifyPluginAsync,
  FastifyRequest,
  RawRequestDefaultExpression,
  RawServerBase,
  RouteGenericInterface,
} from 'fastify';
import type { Broker } from './broker.ts';

/** The event names of one stream. */
export type EventNamesOf<
  TContract extends AnyContract,
  TStream extends StreamNames<TContract>,
> = keyof EventInputsOf<TContract, TStream> & string;

/** True when the stream's path has `:name` params. */
export type HasParams<TContract extends AnyContract, TStream extends StreamNames<TContract>> = [
  keyof ParamsOf<TContract, TStream>,
] extends [never]
  ? false
  : true;

/** `emit` of one stream: `(params, event, data)`, or `(event, data)` for a stream without path params. */
export type EmitFunction<TContract extends AnyContract, TStream extends StreamNames<TContract>> =
  HasParams<TContract, TStream> extends true
    ? <TEvent extends EventNamesOf<TContract, TStream>>(
        params: ParamsOf<TContract, TStream>,
        event: TEvent,
        data: EventInputsOf<TContract, TStream>[TEvent],
      ) => Promise<string>
    : <TEvent extends EventNamesOf<TContract, TStream>>(
        event: TEvent,
        data: EventInputsOf<TContract, TStream>[TEvent],
      ) => Promise<string>;

/** `subscriberCount` of one stream: takes the params, or nothing for a stream without path params. */
export type SubscriberCountFunction<TContract extends AnyContract, TStream extends StreamNames<TContract>> =
  HasParams<TContract, TStream> extends true
    ? (params: ParamsOf<TContract, TStream>) => number
    : () => number;

/** What a hub offers for one stream. */
export interface StreamHandle<TContract extends AnyContract, TStream extends StreamNames<TContract>> {
  /** Validates the payload, publishes it through the broker and resolves to its event id. */
  readonly emit: EmitFunction<TContract, TStream>;
  /** Connections of this process open on one topic of the stream. */
  readonly subscriberCount: SubscriberCountFunction<TContract, TStream>;
}

/** What a hub offers for a stream served by a handler: no `emit` (its events come from the handler). */
export interface HandledStreamHandle<TContract extends AnyContract, TStream extends StreamNames<TContract>> {
  /** Connections of this process open on the stream with these params. */
  readonly subscriberCount: SubscriberCountFunction<TContract, TStream>;
}

/** Every stream of a contract, by name; streams in `THandled` are served by handlers and have no `emit`. */
export type HubStreams<TContract extends AnyContract, THandled extends StreamNames<TContract> = never> = {
  readonly [TStream in StreamNames<TContract>]: TStream extends THandled
    ? HandledStreamHandle<TContract, TStream>
    : StreamHandle<TContract, TStream>;
};

/** What a handler receives for one connection. */
export interface HandlerContext<TContract extends AnyContract, TStream extends StreamNames<TContract>> {
  /** The validated params. */
  readonly params: ParamsOf<TContract, TStream>;
  /** The validated query. */
  readonly query: QueryOf<TContract, TStream>;
  /** The id of the last event the client received (its `Last-Event-ID`), to skip what it has. */
  readonly lastEventId: string | undefined;
  /** Aborts when the client leaves or the hub closes; pass it to what the handler awaits. */
  readonly signal: AbortSignal;
  /** The Fastify request. */
  readonly request: HubRequest;
}

/** One event a handler yields: a declared event, its payload (validated), and an optional id of its own. */
export type HandlerEvent<TContract extends AnyContract, TStream extends StreamNames<TContract>> = {
  [TEvent in EventNamesOf<TContract, TStream>]: {
    readonly event: TEvent;
    readonly data: EventInputsOf<TContract, TStream>[TEvent];
    /** The event's id; default `<ms>-<seq>`, increasing per connection. No line breaks. */
    readonly id?: string | undefined;
  };
}[EventNamesOf<TContract, TStream>];

/** Serves one stream per connection: yields its events; returning ends the stream for good. */
export type StreamHandler<TContract extends AnyContract, TStream extends StreamNames<TContract>> = (
  context: HandlerContext<TContract, TStream>,
) => AsyncIterable<HandlerEvent<TContract, TStream>>;

/** The `handlers` option of `createHub`, for exactly the streams in `THandled` (how the hub's type learns which have one). */
export interface HubHandlerOptions<TContract extends AnyContract, THandled extends StreamNames<TContract>> {
  /**
   * Streams served per connection by a handler (an async generator of events) instead of by `emit`:
   * the tokens of one answer, the progress of one job. Such a stream has no `emit`.
   * @default none
   */
  readonly handlers?: HandlersFor<TContract, THandled> | undefined;
}

/** Handlers for exactly the streams in `THandled` (how `createHub` learns which streams have one). */
export type HandlersFor<TContract extends AnyContract, THandled extends StreamNames<TContract>> = {
  readonly [TStream in THandled]: StreamHandler<TContract, TStream>;
};

/** Handlers by stream name, for streams served per connection instead of by `emit`. */
export type StreamHandlers<TContract extends AnyContract> = {
  readonly [TStream in StreamNames<TContract>]?: StreamHandler<TContract, TStream>;
};

/** The Fastify request `authorize` receives (HTTP/1.1 or HTTP/2). */
export type HubRequest = FastifyRequest<
  RouteGenericInterface,
  RawServerBase,
  RawRequestDefaultExpression<RawServerBase>
>;

/** What `authorize` receives: the request, the stream and its validated params and query. */
export type AuthorizeContext<TContract extends AnyContract> = {
  [TStream in StreamNames<TContract>]: {
    readonly request: HubRequest;
    readonly stream: TStream;
    readonly params: ParamsOf<TContract, TStream>;
    readonly query: QueryOf<TContract, TStream>;
  };
}[StreamNames<TContract>];

/** Options of `createHub`. */
export interface HubOptions<TContract extends AnyContract> {
  /**
   * Where events go between `emit` and the connections. A broker passed in is closed by whoever created it.
   * @default memoryBroker() (created and closed by the hub)
   */
  broker?: Broker | undefined;
  /**
   * Decides whether a request may open a stream: `false` answers 403; an error with `statusCode` answers that status.
   * @default every request is allowed
   */
  authorize?: ((context: AuthorizeContext<TContract>) => boolean | Promise<boolean>) | undefined;
  /**
   * Interval of the shared heartbeat comment, announced in the `x-tidings-heartbeat` header.
   * @default 15_000
   */
  heartbeatMs?: number | undefined;
  /**
   * Open streams this process serves; past it a request gets 503 with `retry-after`.
   * @default 50_000
   */
  maxConnections?: number | undefined;
  /**
   * Unwritten bytes a connection may hold before it is closed as a slow consumer (it resumes from history).
   * @default 1_048_576 (1 MiB)
   */
  maxBufferedBytes?: number | undefined;
  /**
   * The reconnection delay sent in the `retry:` frame at connect.
   * @default 2_000
   */
  retryMs?: number | undefined;
  /**
   * On shutdown or `drain()`, each client gets a random `retry:` delay in `[retryMs, retryMs + drainWindowMs]`.
   * @default 5_000
   */
  drainWindowMs?: number | undefined;
  /**
   * Subscriptions one multiplexed connection may carry; a longer list is answered 400.
   * @default 100
   */
  maxSubscriptionsPerConnection?: number | undefined;
  /**
   * What to do when a client's contract fingerprint differs from the server's: log once per fingerprint, or answer 409.
   * @default 'warn'
   */
  onContractMismatch?: 'warn' | 'reject' | undefined;
  /**
   * Fingerprints of older contracts this hub still serves: a client built on one of them is not a
   * mismatch (not counted, not logged, not refused). `tidings diff --fingerprints` lists the older
   * versions whose clients still work with this contract.
   * @default [] (only the contract's own fingerprint)
   */
  compatibleFingerprints?: readonly string[] | undefined;
  /**
   * Where the hub's OpenTelemetry instruments go (`tidings.*`: connections, events, frames, gaps,
   * latency…). Read once, at `createHub`: install the SDK before, or pass its provider here.
   * @default the global meter provider (`metrics.getMeterProvider()`): a no-op until an SDK is installed
   */
  meterProvider?: MeterProvider | undefined;
}

/** Options of `hub.plugin`, besides Fastify's own `prefix`. */
export interface HubPluginOptions {
  /** The route prefix, as Fastify's `register` takes it. */
  prefix?: string | undefined;
}

/** Counters of one hub since it was created. */
export interface HubStats<TContract extends AnyContract = AnyContract> {
  /** Stream connections open now, plain or multiplexed. */
  readonly connections: number;
  /** Subscriptions open now, over all connections (a plain connection has one, a multiplexed one many). */
  readonly subscriptions: number;
  /** Subscriptions open now, per stream. */
  readonly subscribers: { readonly [TStream in StreamNames<TContract>]: number };
  /** Events this hub published (valid `emit` calls). */
  readonly eventsEmitted: number;
  /** Event and `gap` frames written to connections (one per event per connection). */
  readonly framesWritten: number;
  /** Connections that resumed with a valid `Last-Event-ID`. */
  readonly replaysServed: number;
  /** `gap` frames sent (on resume, and to every connection of a topic with a live gap). */
  readonly gapsSignalled: number;
  /**
   * Holes in live delivery the broker reported: events of a topic lost on their way to this
   * process (Redis dropped its pub/sub connection while the history was trimmed). Each one sends
   * every connection of the topic a `gap`.
   */
  readonly liveGaps: number;
  /** Connections closed because their unwritten bytes passed `maxBufferedBytes`. */
  readonly slowConsumerDisconnects: number;
  /** Requests whose contract fingerprint differed from the server's. */
  readonly contractMismatches: number;
}

/** Options of `hub.drain()`. */
export interface DrainOptions {
  /**
   * Spread of the random `retry:` delays sent before each stream ends.
   * @default the hub's drainWindowMs
   */
  windowMs?: number | undefined;
}

/** A hub: typed emitters for every stream of a contract, and the Fastify plugin that serves them. */
export interface Hub<TContract extends AnyContract, THandled extends StreamNames<TContract> = never> {
  /** The contract this hub serves. */
  readonly contract: TContract;
  /** The broker events go through. */
  readonly broker: Broker;
  /** Typed `emit` and `subscriberCount` per stream (no `emit` for a stream served by a handler). */
  readonly streams: HubStreams<TContract, THandled>;
  /** Registers one `GET` route per stream under the plugin's prefix; `app.close()` closes the hub. */
  readonly plugin: FastifyPluginAsync<HubPluginOptions, RawServerBase>;
  /** The hub's counters. */
  stats(): HubStats<TContract>;
  /** Sends every client a spread `retry:`, ends every stream and refuses new ones (503); for rolling deploys. */
  drain(options?: DrainOptions): Promise<void>;
  /** Drains, then releases every broker subscription, and closes the broker if the hub created it. */
  close(): Promise<void>;
  /** Same as `close()`, for `await using`. */
  [Symbol.asyncDispose](): Promise<void>;
}

/** The JSON body of a 400 answer. */
export interface InvalidParamsBody {
  readonly error: 'invalid_params';
  /** Which part of the request failed. */
  readonly location: 'params' | 'query';
  readonly issues: readonly ValidationIssue[];
}
