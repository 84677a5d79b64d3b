import { EVENT_NAME_PATTERN, RESERVED_EVENT_NAMES, STREAM_NAME_PATTERN } from './constants.ts';
import { TidingsContractError } from './errors.ts';
import { jsonSchemaOf } from './json-schema.ts';
import { parsePath } from './path.ts';
import { fillPath } from './path-params.ts';
import { inputKeysOf } from './schema-keys.ts';
import { isStandardSchema } from './standard-schema.ts';
import type { AnyContract, AnyStream, Contract, StreamMap } from './types.ts';

function fail(message: string): never {
  throw new TidingsContractError(`@tidings/contract: ${message}`);
}

function checkStream(name: string, stream: AnyStream): void {
  if (!STREAM_NAME_PATTERN.test(name)) {
    fail(
      `stream name ${JSON.stringify(name)} is not an identifier; use letters, digits and "_" (${STREAM_NAME_PATTERN}).`,
    );
  }
  if (stream?.kind !== 'tidings.stream') {
    fail(`stream "${name}" is not a stream; wrap it in defineStream({ path, events }).`);
  }
  const path = parsePath(stream.path);
  if (!path.ok) fail(`stream "${name}" has path ${JSON.stringify(stream.path)}, which ${path.reason}.`);

  if (stream.params !== undefined) {
    if (!isStandardSchema(stream.params))
      fail(`stream "${name}" has params that are not a schema (zod, valibot, …).`);
    const keys = inputKeysOf(stream.params)?.sort();
    if (keys) {
      const names = [...path.params].sort();
      if (keys.join(',') !== names.join(',')) {
        fail(
          `stream "${name}" has path params [${names.join(', ')}] in "${stream.path}" but its params schema has keys [${keys.join(', ')}]; make them the same.`,
        );
      }
    }
  }
  if (!Number.isSafeInteger(stream.history) || stream.history < 0) {
    fail(`stream "${name}" has history ${String(stream.history)}; expected a whole number of events ≥ 0.`);
  }
  if (stream.query !== undefined && !isStandardSchema(stream.query)) {
    fail(`stream "${name}" has a query that is not a schema (zod, valibot, …).`);
  }

  const events = Object.keys(stream.events ?? {});
  if (events.length === 0) fail(`stream "${name}" declares no events; add at least one to "events".`);
  for (const event of events) {
    if ((RESERVED_EVENT_NAMES as readonly string[]).includes(event)) {
      fail(
        `stream "${name}" declares event "${event}", a name reserved for the client's lifecycle (${RESERVED_EVENT_NAMES.join(', ')}); rename it.`,
      );
    }
    if (!EVENT_NAME_PATTERN.test(event)) {
      fail(
        `stream "${name}" declares event ${JSON.stringify(event)}; event names must match ${EVENT_NAME_PATTERN}.`,
      );
    }
    const schema = stream.events[event];
    if (!isStandardSchema(schema))
      fail(`stream "${name}", event "${event}": the payload is not a schema (zod, valibot, …).`);
    const json = jsonSchemaOf(schema);
    if (!json.ok && !json.unsupported) {
      fail(
        `stream "${name}", event "${event}": ${json.field === undefined ? 'a field of the payload' : `field "${json.field}"`} is not JSON-representable (${json.reason}). Payloads travel as JSON: use z.string().datetime() for dates, z.number() or z.string() for big integers.`,
      );
    }
  }
}

/**
 * Declares a contract: named streams, each with a path, params and typed events.
 * Throws `TidingsContractError` naming the stream (and event, and field) on any broken rule.
 * @example
 * export const market = defineContract({
 *   ticker: defineStream({ path: '/ticker/:symbol', events: { quote: z.object({ price: z.number() }) } }),
 * });
 */
export function defineContract<const TStreams extends StreamMap>(streams: TStreams): Contract<TStreams> {
  if (typeof streams !== 'object' || streams === null) fail('defineContract expects an object of streams.');
  const paths = new Map<string, string>();
  for (const [name, stream] of Object.entries(streams)) {
    checkStream(name, stream);
    const route = fillPath(stream.path, () => ':');
    const other = paths.get(route);
    if (other)
      fail(
        `streams "${other}" and "${name}" have the same path shape "${stream.path}"; give each its own path.`,
      );
    paths.set(route, name);
  }
  return Object.freeze({ kind: 'tidings.contract', streams: Object.freeze({ ...streams }) });
}

/** True for a value `defineContract` made. */
export function isContract(value: unknown): value is AnyContract {
  return (
    typeof value === 'object' && value !== null && (value as { kind?: unknown }).kind === 'tidings.contract'
  );
}
