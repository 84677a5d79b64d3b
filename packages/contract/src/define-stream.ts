import { DEFAULT_HISTORY } from './constants.ts';
import { TidingsContractError } from './errors.ts';
import type { PathParamNames } from './path.ts';
import type { AnySchema, InferOutput } from './standard-schema.ts';
import type { EventSchemas, ReservedEventName, StreamDefinition } from './types.ts';

/** What `defineStream` takes. */
export interface StreamConfig<
  TPath extends string,
  TEvents extends EventSchemas,
  TParamsSchema extends AnySchema | undefined,
  TQuerySchema extends AnySchema | undefined,
> {
  /** The route under the plugin's prefix, with whole-segment `:name` params. */
  path: TPath;
  /** Validates path params; its keys must be the path's `:name`s. Without it each param is a `string`. */
  params?: TParamsSchema;
  /** Event name → payload schema. Payloads must be JSON-representable. */
  events: TEvents;
  /** Validates the query string. */
  query?: TQuerySchema;
  /**
   * Events kept per topic for `Last-Event-ID` resume.
   * @default 100
   */
  history?: number;
  /** Shown in the AsyncAPI document and the generated client. */
  description?: string;
}

type Equals<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;

/** Compile-time checks `defineStream` adds to its argument: a mismatch makes a property impossible. */
export type StreamChecks<TPath extends string, TEvents, TParamsSchema> = (TParamsSchema extends AnySchema
  ? Equals<keyof InferOutput<TParamsSchema> & string, PathParamNames<TPath>> extends true
    ? unknown
    : { params: `the params schema's keys must be the path params of "${TPath}"` }
  : unknown) &
  ([keyof TEvents & ReservedEventName] extends [never]
    ? unknown
    : {
        events: {
          [K in keyof TEvents & ReservedEventName]: `"${K}" is reserved for the client's lifecycle events`;
        };
      });

/**
 * Declares one event stream. Checks that need the stream's name run in `defineContract`.
 * @example
 * defineStream({ path: '/ticker/:symbol', params: z.object({ symbol: z.string() }), events: { quote: z.object({ price: z.number() }) } })
 */
export function defineStream<
  const TPath extends string,
  const TEvents extends EventSchemas,
  TParamsSchema extends AnySchema | undefined = undefined,
  TQuerySchema extends AnySchema | undefined = undefined,
>(
  config: StreamConfig<TPath, TEvents, TParamsSchema, TQuerySchema> &
    StreamChecks<TPath, TEvents, TParamsSchema>,
): StreamDefinition<TPath, TEvents, TParamsSchema, TQuerySchema> {
  if (typeof config !== 'object' || config === null) {
    throw new TidingsContractError(
      '@tidings/contract: defineStream expects an object with "path" and "events".',
    );
  }
  const history = config.history ?? DEFAULT_HISTORY;
  if (!Number.isSafeInteger(history) || history < 0) {
    throw new TidingsContractError(
      `@tidings/contract: stream at path ${JSON.stringify(config.path)} has history ${String(history)}; expected a whole number of events ≥ 0.`,
    );
  }
  return Object.freeze({
    kind: 'tidings.stream',
    path: config.path,
    events: Object.freeze({ ...config.events }) as TEvents,
    params: config.params as TParamsSchema,
    query: config.query as TQuerySchema,
    history,
    description: config.description,
  });
}
