import type {
  AnyContract,
  AnySchema,
  AnyStream,
  NoParams,
  ValidationIssue,
  ValidationOutcome,
} from '@tidings/contract';
import { CONTRACT_QUERY, LAST_EVENT_ID_QUERY, validateWith } from '@tidings/contract/wire';
import type { StreamCounters } from './counters.ts';
import type { AuthorizeContext, HubRequest, InvalidParamsBody } from './hub-types.ts';

/** One stream as the routes serve it. */
export interface RouteStream {
  readonly name: string;
  /** Index of the stream in the contract (for per-stream counts). */
  readonly index: number;
  readonly schema: AnyStream;
  readonly paramNames: readonly string[];
  /** Its events' schemas, by name. */
  readonly events: ReadonlyMap<string, AnySchema>;
  /** Its counters (validation failures, refusals). */
  readonly counters: StreamCounters;
}

/** What a subscription's checks found: its validated params and query, or the answer that refuses it. */
export type SubscriptionCheck =
  | { readonly ok: true; readonly params: object; readonly query: object }
  | { readonly ok: false; readonly status: number; readonly body: object };

/** The app's `authorize`, untyped. */
export type Authorize = (context: AuthorizeContext<AnyContract>) => boolean | Promise<boolean>;

function jsonIssues(issues: readonly ValidationIssue[]): ValidationIssue[] {
  return issues.map((issue) => ({
    message: issue.message,
    path: (issue.path ?? []).map((part) => {
      const key = typeof part === 'object' && part !== null ? part.key : part;
      return typeof key === 'symbol' ? String(key) : key;
    }),
  }));
}

function invalid(
  stream: RouteStream,
  location: 'params' | 'query',
  issues: readonly ValidationIssue[],
): SubscriptionCheck {
  stream.counters.invalidRequests++;
  const body: InvalidParamsBody = { error: 'invalid_params', location, issues: jsonIssues(issues) };
  return { ok: false, status: 400, body };
}

function stringParamsOutcome(names: readonly string[], params: unknown): ValidationOutcome {
  const record = (typeof params === 'object' && params !== null ? params : {}) as Record<string, unknown>;
  const value: Record<string, string> = {};
  for (const name of names) {
    const param = record[name];
    if (typeof param !== 'string')
      return { ok: false, issues: [{ message: 'expected a string', path: [name] }] };
    value[name] = param;
  }
  return { ok: true, value };
}

/** The query without the params Tidings reads itself (`contract`, `lastEventId`), so a strict schema does not refuse them. */
export function appQuery(rawQuery: Record<string, unknown>): Record<string, unknown> {
  if (!Object.hasOwn(rawQuery, CONTRACT_QUERY) && !Object.hasOwn(rawQuery, LAST_EVENT_ID_QUERY))
    return rawQuery;
  const { [CONTRACT_QUERY]: _contract, [LAST_EVENT_ID_QUERY]: _lastEventId, ...rest } = rawQuery;
  return rest;
}

/**
 * Validates one subscription's params and query with its stream's schemas (params as strings
 * when the stream has no schema) and asks `authorize`: the same checks for a plain stream and
 * for each entry of a multiplexed list. A throwing `authorize` throws.
 */
export async function checkSubscription(
  stream: RouteStream,
  request: HubRequest,
  input: { readonly params: unknown; readonly query: Record<string, unknown> },
  authorize: Authorize | undefined,
): Promise<SubscriptionCheck> {
  let params: object = {} as NoParams;
  if (stream.paramNames.length > 0) {
    let outcome = stream.schema.params
      ? validateWith(stream.schema.params, input.params)
      : stringParamsOutcome(stream.paramNames, input.params);
    if (outcome instanceof Promise) outcome = await outcome;
    if (!outcome.ok) return invalid(stream, 'params', outcome.issues);
    params = outcome.value as object;
  }
  let query: object = {};
  if (stream.schema.query) {
    let outcome = validateWith(stream.schema.query, input.query);
    if (outcome instanceof Promise) outcome = await outcome;
    if (!outcome.ok) return invalid(stream, 'query', outcome.issues);
    query = outcome.value as object;
  }
  if (authorize) {
    const context = { request, stream: stream.name, params, query } as AuthorizeContext<AnyContract>;
    let allowed: boolean;
    try {
      allowed = await authorize(context);
    } catch (error) {
      // An error with a 4xx status is a refusal too; any other is a failure of authorize itself.
      const status = (error as { statusCode?: unknown } | null)?.statusCode;
      if (typeof status === 'number' && status >= 400 && status < 500) stream.counters.authorizeRefusals++;
      throw error;
    }
    if (!allowed) {
      stream.counters.authorizeRefusals++;
      return { ok: false, status: 403, body: { error: 'forbidden', stream: stream.name } };
    }
  }
  return { ok: true, params, query };
}
