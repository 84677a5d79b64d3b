import {
  type AnyStream,
  describeIssues,
  pathParams,
  TidingsContractError,
  TidingsError,
  TidingsValidationError,
  type ValidationOutcome,
} from '@tidings/contract';
import { topicKey, validateWith } from '@tidings/contract/wire';
import type { Broker, TopicRef } from './broker.ts';
import type { StreamCounters } from './counters.ts';

/** What `emit` needs from the hub. */
export interface EmitterContext {
  readonly broker: Broker;
  /** The stream's counters. */
  readonly counters: StreamCounters;
  isClosed(): boolean;
}

type Emit = (...args: unknown[]) => Promise<string>;

/** The untyped run-time handle behind `hub.streams.<name>`. */
export interface RuntimeStreamHandle {
  readonly emit: Emit;
  readonly subscriberCount: (params?: unknown) => number;
}

function stringParams(name: string, names: readonly string[], params: unknown): Record<string, string> {
  const issues = [];
  const record = (typeof params === 'object' && params !== null ? params : {}) as Record<string, unknown>;
  for (const param of names) {
    if (typeof record[param] !== 'string') {
      issues.push({ message: `expected a string, got ${typeof record[param]}`, path: [param] });
    }
  }
  if (issues.length > 0) {
    throw new TidingsValidationError(
      `@tidings/server: stream "${name}": invalid params — ${describeIssues(issues)}. Pass { ${names.map((n) => `${n}: string`).join(', ')} }.`,
      issues,
    );
  }
  const out: Record<string, string> = {};
  for (const param of names) out[param] = record[param] as string;
  return out;
}

/** Builds `emit` and the topic-key function of one stream. */
export function createStreamEmitter(
  name: string,
  stream: AnyStream,
  context: EmitterContext,
  countOn: (key: string) => number,
): { handle: RuntimeStreamHandle; keyOf: (params: unknown) => string | Promise<string> } {
  const paramNames = pathParams(stream.path);
  const hasParams = paramNames.length > 0;
  const history = stream.history;
  const counters = context.counters;
  // Each event's schema with its counters: one lookup per emit finds both.
  const events = new Map(
    Object.entries(stream.events).map(([event, schema]) => [
      event,
      { schema, counters: counters.events.get(event)! },
    ]),
  );
  const declared = [...events.keys()].map((event) => `"${event}"`).join(', ');
  const paramsSchema = stream.params;
  const fixedRef: TopicRef = { key: topicKey(name, undefined), history };

  const paramsFailed = (issues: ValidationOutcome & { ok: false }): never => {
    throw new TidingsValidationError(
      `@tidings/server: stream "${name}": invalid params — ${describeIssues(issues.issues)}.`,
      issues.issues,
    );
  };
  const keyFromOutcome = (outcome: ValidationOutcome): string =>
    outcome.ok ? topicKey(name, outcome.value as Record<string, unknown>) : paramsFailed(outcome);

  // The last params seen, by value: a hot emitter sends to the same topic again and again, and
  // validating the same primitive values gives the same key, so that work is done once.
  const lastValues: unknown[] = new Array(paramNames.length);
  let lastKey: string | undefined;
  const sameAsLast = (params: unknown): boolean => {
    if (lastKey === undefined || typeof params !== 'object' || params === null) return false;
    const record = params as Record<string, unknown>;
    for (let i = 0; i < paramNames.length; i++) {
      const value = record[paramNames[i]!];
      if (value !== lastValues[i] || (typeof value === 'object' && value !== null)) return false;
    }
    return true;
  };
  const remember = (params: unknown, key: string): string => {
    const record = params as Record<string, unknown>;
    for (let i = 0; i < paramNames.length; i++) lastValues[i] = record[paramNames[i]!];
    lastKey = key;
    return key;
  };

  /** The topic key of validated params (the same key the route computes from the request). */
  const keyOf = (params: unknown): string | Promise<string> => {
    if (!hasParams) return fixedRef.key;
    if (sameAsLast(params)) return lastKey!;
    if (paramsSchema === undefined) {
      return remember(params, topicKey(name, stringParams(name, paramNames, params)));
    }
    const outcome = validateWith(paramsSchema, params);
    return outcome instanceof Promise
      ? outcome.then(keyFromOutcome)
      : remember(params, keyFromOutcome(outcome));
  };

  const publish = (
    key: string,
    event: string,
    eventCounters: { emitted: number; invalidEmits: number },
    outcome: ValidationOutcome,
  ): Promise<string> => {
    if (!outcome.ok) {
      eventCounters.invalidEmits++;
      throw new TidingsValidationError(
        `@tidings/server: stream "${name}", event "${event}": invalid payload — ${describeIssues(outcome.issues)}. Nothing was sent.`,
        outcome.issues,
      );
    }
    const data = JSON.stringify(outcome.value) ?? 'null';
    eventCounters.emitted++;
    return context.broker.publish(key === fixedRef.key ? fixedRef : { key, history }, event, data);
  };

  /** Counts params that failed the stream's schema in an emit call. */
  const invalidParams = (error: unknown): unknown => {
    if (error instanceof TidingsValidationError) counters.invalidEmitParams++;
    return error;
  };

  const emitWith = (params: unknown, event: unknown, data: unknown): Promise<string> => {
    if (context.isClosed()) {
      throw new TidingsError(
        'HUB_CLOSED',
        `@tidings/server: stream "${name}": emit after the hub was closed. Emit before hub.close() (or app.close()), or create a new hub.`,
      );
    }
    const entry = typeof event === 'string' ? events.get(event) : undefined;
    if (entry === undefined) {
      throw new TidingsContractError(
        `@tidings/server: event ${JSON.stringify(event)} is not declared on stream "${name}" (declared: ${declared}). Add it to the contract or fix the emit call.`,
        { code: 'UNKNOWN_EVENT' },
      );
    }
    const { schema, counters: eventCounters } = entry;
    let key: string | Promise<string>;
    try {
      key = keyOf(params);
    } catch (error) {
      throw invalidParams(error);
    }
    if (typeof key !== 'string') {
      return key.then(
        async (resolved) => {
          const outcome = await validateWith(schema, data);
          return publish(resolved, event as string, eventCounters, outcome);
        },
        (error: unknown) => {
          throw invalidParams(error);
        },
      );
    }
    const outcome = validateWith(schema, data);
    return outcome instanceof Promise
      ? outcome.then((settled) => publish(key, event as string, eventCounters, settled))
      : publish(key, event as string, eventCounters, outcome);
  };

  const emit: Emit = hasParams
    ? (params, event, data) => {
        try {
          return emitWith(params, event, data);
        } catch (error) {
          return Promise.reject(error);
        }
      }
    : (event, data) => {
        try {
          return emitWith(undefined, event, data);
        } catch (error) {
          return Promise.reject(error);
        }
      };

  const subscriberCount = (params?: unknown): number => {
    let key = keyOf(params);
    if (typeof key !== 'string') {
      key.catch(() => {});
      // An async params schema: the key of the params as given (what a sync schema would echo back).
      key = topicKey(name, params as Record<string, unknown>);
    }
    return countOn(key);
  };

  return { handle: { emit, subscriberCount }, keyOf };
}
