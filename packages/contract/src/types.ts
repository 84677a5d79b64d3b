import type { RESERVED_EVENT_NAMES } from './constants.ts';
import type { PathParamNames } from './path.ts';
import type { AnySchema, InferInput, InferOutput } from './standard-schema.ts';

/** Event names the client uses for its own lifecycle; a contract may not declare them. */
export type ReservedEventName = (typeof RESERVED_EVENT_NAMES)[number];

/** The event schemas of one stream, by event name. */
export type EventSchemas = { readonly [event: string]: AnySchema };

/** The params of a stream without path params: an object with no keys. */
export type NoParams = Record<never, never>;

declare const streamTypes: unique symbol;

/** A stream as `defineStream` returns it. The type parameters carry the schemas' types. */
export interface StreamDefinition<
  TPath extends string = string,
  TEvents extends EventSchemas = EventSchemas,
  TParamsSchema extends AnySchema | undefined = AnySchema | undefined,
  TQuerySchema extends AnySchema | undefined = AnySchema | undefined,
> {
  readonly kind: 'tidings.stream';
  readonly path: TPath;
  readonly events: TEvents;
  readonly params: TParamsSchema;
  readonly query: TQuerySchema;
  /** Events kept per topic for `Last-Event-ID` resume. */
  readonly history: number;
  readonly description: string | undefined;
  /** Type-only: never present at run time. */
  readonly [streamTypes]?: { path: TPath };
}

/** The widest stream type. */
export type AnyStream = StreamDefinition<string, EventSchemas, AnySchema | undefined, AnySchema | undefined>;

/** The streams of a contract, by name. */
export type StreamMap = { readonly [name: string]: AnyStream };

/** A contract as `defineContract` returns it. */
export interface Contract<TStreams extends StreamMap = StreamMap> {
  readonly kind: 'tidings.contract';
  readonly streams: TStreams;
}

/** The widest contract type. */
export type AnyContract = Contract<StreamMap>;

/** The stream names of a contract. */
export type StreamNames<TContract extends AnyContract> = keyof TContract['streams'] & string;

type StreamOf<
  TContract extends AnyContract,
  TStream extends StreamNames<TContract>,
> = TContract['streams'][TStream];

type ParamsFromStream<TStream> = TStream extends {
  readonly path: infer TPath extends string;
  readonly params: infer TParamsSchema;
}
  ? [PathParamNames<TPath>] extends [never]
    ? NoParams
    : [TParamsSchema] extends [AnySchema]
      ? InferOutput<TParamsSchema>
      : { [K in PathParamNames<TPath>]: string }
  : never;

/** The params of a stream (the params schema's output type; `string` per path param without one). */
export type ParamsOf<
  TContract extends AnyContract,
  TStream extends StreamNames<TContract>,
> = ParamsFromStream<StreamOf<TContract, TStream>>;

/** The query of a stream (the query schema's output type), or `NoParams` without one. */
export type QueryOf<TContract extends AnyContract, TStream extends StreamNames<TContract>> = StreamOf<
  TContract,
  TStream
>['query'] extends AnySchema
  ? InferOutput<StreamOf<TContract, TStream>['query']>
  : NoParams;

/** Event name → payload (the schema's output type: what a client receives). */
export type EventsOf<TContract extends AnyContract, TStream extends StreamNames<TContract>> = {
  [TEvent in keyof StreamOf<TContract, TStream>['events'] & string]: InferOutput<
    StreamOf<TContract, TStream>['events'][TEvent]
  >;
};

/** Event name → payload as `emit` accepts it (the schema's input type: `.default()` fields optional). */
export type EventInputsOf<TContract extends AnyContract, TStream extends StreamNames<TContract>> = {
  [TEvent in keyof StreamOf<TContract, TStream>['events'] & string]: InferInput<
    StreamOf<TContract, TStream>['events'][TEvent]
  >;
};

/** Every event of a stream as `{ type, data, id }`, discriminated on `type`. */
export type EventUnion<TContract extends AnyContract, TStream extends StreamNames<TContract>> = {
  [TEvent in keyof EventsOf<TContract, TStream> & string]: {
    type: TEvent;
    data: EventsOf<TContract, TStream>[TEvent];
    id: string;
  };
}[keyof EventsOf<TContract, TStream> & string];

/**
 * The type-level shape a client needs: per stream, its params and its events' payloads.
 * `createClient` derives it from a contract; a generated client spells it out in plain types.
 */
export type ContractShape = {
  readonly [stream: string]: {
    readonly params: object;
    readonly events: { readonly [event: string]: unknown };
  };
};

/** The shape of a contract. */
export type ShapeOf<TContract extends AnyContract> = {
  [TStream in StreamNames<TContract>]: {
    params: ParamsOf<TContract, TStream>;
    events: EventsOf<TContract, TStream>;
  };
};

/** What a client needs to know of a stream at run time: no schemas, so no zod in a browser bundle. */
export interface StreamDescriptor {
  readonly path: string;
  readonly params: readonly string[];
  readonly events: readonly string[];
}

/** What a client needs to know of a contract at run time. `TShape` carries its types. */
export interface ContractDescriptor<TShape extends ContractShape = ContractShape> {
  readonly kind: 'tidings.descriptor';
  readonly fingerprint: string;
  readonly streams: { readonly [TStream in keyof TShape & string]: StreamDescriptor };
  /** Type-only: never present at run time. */
  readonly __shape?: TShape | undefined;
}
