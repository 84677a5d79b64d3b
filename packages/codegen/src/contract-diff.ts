import {
  type AnyContract,
  type ContractJsonSchema,
  type JsonSchema,
  pathParams,
  type StreamJsonSchema,
  toJsonSchema,
} from '@tidings/contract';
import {
  type ChangeKind,
  compareSchemas,
  type Flow,
  type SchemaChange,
  type Severity,
} from './schema-compat.ts';
import { schemaKey } from './schema-variants.ts';

export type { ChangeKind, Severity } from './schema-compat.ts';

/** The part of a stream a change is in. */
export type ChangePart = 'stream' | 'path' | 'params' | 'query' | 'event';

/** One change between two versions of a contract, classified for a client built on the old one. */
export interface ContractChange {
  readonly severity: Severity;
  readonly kind: ChangeKind;
  readonly stream: string;
  readonly part: ChangePart;
  /** The event, for a change in an event's payload (or the event itself). */
  readonly event?: string;
  /** The field path inside params, query or the payload (`bids[].price`). */
  readonly field?: string;
  /** Where the change is, for people: `stream "ticker", event "quote", field "price"`. */
  readonly where: string;
  /** What changed and why it is breaking or safe. */
  readonly message: string;
}

const OLD = 'clients built on the old contract';
const EMPTY_OBJECT: JsonSchema = { type: 'object', properties: {} };

function whereOf(stream: string, part: ChangePart, event?: string, field?: string): string {
  let where = `stream "${stream}"`;
  if (part === 'event' && event !== undefined) where += `, event "${event}"`;
  else if (part !== 'stream') where += `, ${part}`;
  if (field !== undefined && field !== '') where += `, field "${field}"`;
  return where;
}

function change(
  severity: Severity,
  kind: ChangeKind,
  at: { stream: string; part: ChangePart; event?: string | undefined; field?: string | undefined },
  message: string,
): ContractChange {
  return {
    severity,
    kind,
    stream: at.stream,
    part: at.part,
    ...(at.event === undefined ? {} : { event: at.event }),
    ...(at.field === undefined || at.field === '' ? {} : { field: at.field }),
    where: whereOf(at.stream, at.part, at.event, at.field),
    message,
  };
}

function lift(
  changes: readonly SchemaChange[],
  at: { stream: string; part: ChangePart; event?: string | undefined },
): ContractChange[] {
  return changes.map((inner) =>
    change(inner.severity, inner.kind, { ...at, field: inner.field }, inner.message),
  );
}

/** Pairs removed and added names whose value has the same key (a rename); each name at most once. */
function renames(
  removed: readonly string[],
  added: readonly string[],
  keyOf: (name: string, side: 'old' | 'new') => string,
): Map<string, string> {
  const pairs = new Map<string, string>();
  const taken = new Set<string>();
  for (const gone of removed) {
    const key = keyOf(gone, 'old');
    const matches = added.filter((name) => !taken.has(name) && keyOf(name, 'new') === key);
    if (matches.length !== 1) continue;
    pairs.set(gone, matches[0]!);
    taken.add(matches[0]!);
  }
  return pairs;
}

/** A params schema cut down to the given param names (renamed params are reported with the path). */
function onlyParams(schema: JsonSchema | null, names: readonly string[]): JsonSchema | null {
  if (schema === null) return null;
  const properties = schema['properties'];
  const required = schema['required'];
  if (typeof properties !== 'object' || properties === null) return schema;
  return {
    ...schema,
    properties: Object.fromEntries(Object.entries(properties).filter(([name]) => names.includes(name))),
    ...(Array.isArray(required)
      ? { required: required.filter((name) => typeof name === 'string' && names.includes(name)) }
      : {}),
  };
}

function pathShape(path: string): string {
  return path.replace(/:[^/]+/g, ':');
}

function comparePaths(stream: string, before: string, after: string): ContractChange[] {
  if (before === after) return [];
  const at = { stream, part: 'path' as const };
  const oldParams = pathParams(before);
  const newParams = pathParams(after);
  const paths = `("${before}" → "${after}")`;
  if (pathShape(before) === pathShape(after)) {
    return oldParams.flatMap((name, index) =>
      name === newParams[index]
        ? []
        : [
            change(
              'breaking',
              'path-param-renamed',
              at,
              `path param "${name}" renamed to "${newParams[index]}" ${paths}; the URL keeps its shape, but every typed call passes { ${name} } and the stream's topic keys (and the history kept under them) change`,
            ),
          ],
    );
  }
  const gone = oldParams.filter((name) => !newParams.includes(name));
  const fresh = newParams.filter((name) => !oldParams.includes(name));
  if (gone.length === 0 && fresh.length === 0) {
    return [
      change(
        'breaking',
        'path-changed',
        at,
        `path changed ${paths}; ${OLD} request the old path and get 404`,
      ),
    ];
  }
  return [
    ...gone.map((name) =>
      change(
        'breaking',
        'path-param-removed',
        at,
        `path param "${name}" removed ${paths}; ${OLD} request a path the server no longer serves`,
      ),
    ),
    ...fresh.map((name) =>
      change(
        'breaking',
        'path-param-added',
        at,
        `path param "${name}" added ${paths}; ${OLD} do not send it`,
      ),
    ),
  ];
}

function compareParts(
  stream: string,
  part: 'params' | 'query',
  before: JsonSchema | null,
  after: JsonSchema | null,
): ContractChange[] {
  if (before === null && after === null) return [];
  return lift(compareSchemas(before ?? EMPTY_OBJECT, after ?? EMPTY_OBJECT, 'request'), { stream, part });
}

function compareEvent(stream: string, event: string, before: JsonSchema | null, after: JsonSchema | null) {
  const at = { stream, part: 'event' as const, event };
  if (before === null && after === null) return [];
  if (before === null || after === null) {
    return [
      change(
        'breaking',
        'schema-changed',
        at,
        'its schema has no JSON Schema in one version, so the two cannot be compared; treated as breaking',
      ),
    ];
  }
  return lift(compareSchemas(before, after, 'payload' satisfies Flow), at);
}

function compareStream(name: string, before: StreamJsonSchema, after: StreamJsonSchema): ContractChange[] {
  const changes = comparePaths(name, before.path, after.path);
  const common = pathParams(before.path).filter((param) => pathParams(after.path).includes(param));
  changes.push(
    ...compareParts(name, 'params', onlyParams(before.params, common), onlyParams(after.params, common)),
    ...compareParts(name, 'query', before.query, after.query),
  );
  const oldEvents = Object.keys(before.events);
  const newEvents = Object.keys(after.events);
  const removed = oldEvents.filter((event) => !newEvents.includes(event));
  const added = newEvents.filter((event) => !oldEvents.includes(event));
  const renamed = renames(removed, added, (event, side) =>
    schemaKey((side === 'old' ? before : after).events[event] ?? null),
  );
  const renamedTo = new Set(renamed.values());
  for (const event of oldEvents) {
    const at = { stream: name, part: 'event' as const, event };
    const to = renamed.get(event);
    if (to !== undefined) {
      changes.push(
        change(
          'breaking',
          'event-renamed',
          at,
          `renamed to "${to}"; ${OLD} listen for "${event}", which never comes`,
        ),
      );
    } else if (removed.includes(event)) {
      changes.push(change('breaking', 'event-removed', at, `removed; ${OLD} listen for it and never get it`));
    } else {
      changes.push(...compareEvent(name, event, before.events[event] ?? null, after.events[event] ?? null));
    }
  }
  for (const event of added) {
    if (renamedTo.has(event)) continue;
    changes.push(
      change('safe', 'event-added', { stream: name, part: 'event', event }, `new event; ${OLD} ignore it`),
    );
  }
  return changes;
}

/** What identifies a stream apart from its name: its path and schemas. */
function streamKey(stream: StreamJsonSchema): string {
  return schemaKey({ path: stream.path, params: stream.params, query: stream.query, events: stream.events });
}

/**
 * Every change from one contract's JSON Schema to another's (`toJsonSchema`), classified for a client
 * built on the old one. Streams are in the old contract's order, then new streams.
 */
export function diffJsonSchemas(base: ContractJsonSchema, current: ContractJsonSchema): ContractChange[] {
  const oldNames = Object.keys(base.streams);
  const newNames = Object.keys(current.streams);
  const removed = oldNames.filter((name) => !newNames.includes(name));
  const added = newNames.filter((name) => !oldNames.includes(name));
  const byPath = renames(
    removed,
    added,
    (name, side) => (side === 'old' ? base : current).streams[name]!.path,
  );
  const bySchema = renames(
    removed.filter((name) => !byPath.has(name)),
    added.filter((name) => ![...byPath.values()].includes(name)),
    (name, side) => streamKey((side === 'old' ? base : current).streams[name]!),
  );
  const renamed = new Map([...byPath, ...bySchema]);
  const renamedTo = new Set(renamed.values());
  const changes: ContractChange[] = [];
  for (const name of oldNames) {
    const at = { stream: name, part: 'stream' as const };
    const to = renamed.get(name);
    if (to !== undefined) {
      changes.push(
        change(
          'breaking',
          'stream-renamed',
          at,
          `renamed to "${to}"; ${OLD} use "${name}" (its topic keys, history and typed calls change with the name)`,
        ),
      );
    } else if (removed.includes(name)) {
      changes.push(change('breaking', 'stream-removed', at, `removed; ${OLD} subscribe to it and get 404`));
    } else {
      changes.push(...compareStream(name, base.streams[name]!, current.streams[name]!));
    }
  }
  for (const name of added) {
    if (renamedTo.has(name)) continue;
    changes.push(
      change('safe', 'stream-added', { stream: name, part: 'stream' }, `new stream; ${OLD} do not use it`),
    );
  }
  return changes;
}

/** Every change from one contract to another, classified for a client built on the old one. */
export function diffContracts(base: AnyContract, current: AnyContract): ContractChange[] {
  return diffJsonSchemas(toJsonSchema(base), toJsonSchema(current));
}

/** True when any change breaks a client built on the old contract. */
export function isBreaking(changes: readonly ContractChange[]): boolean {
  return changes.some((entry) => entry.severity === 'breaking');
}
