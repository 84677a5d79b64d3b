import {
  compareParsedIds,
  encodeMuxControl,
  type ParsedEventId,
  parseEventId,
  SUBSCRIPTION_KEY,
  SUBSCRIPTIONS_QUERY,
  topicKey,
} from '@tidings/contract/wire';
import type { HubRequest } from './hub-types.ts';
import type { Authorize, RouteStream, SubscriptionCheck } from './subscription-checks.ts';
import { checkSubscription } from './subscription-checks.ts';

/** One entry of a multiplexed subscription list, its shape checked. */
export interface ListEntry {
  readonly key: string;
  readonly stream: RouteStream;
  readonly params: unknown;
  readonly query: Record<string, unknown>;
  readonly cursor: string | undefined;
}

/** The answer to a list that is not one: 400 and a JSON body that says what is wrong. */
export interface ListError {
  readonly error: 'invalid_subscriptions' | 'too_many_subscriptions';
  readonly message: string;
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const EXAMPLE = 's=[{"k":"1","s":"<stream>","p":{…},"c":"<last id>"}]';

/**
 * Reads the `s` query param: a JSON list of `{ k, s, p?, q?, c? }` (key, stream, params, query,
 * cursor), at most `max` entries, keys unique, streams of the contract. Params and query are only
 * checked for shape here; their schemas run per entry.
 */
export function parseSubscriptionList(
  raw: unknown,
  streams: ReadonlyMap<string, RouteStream>,
  max: number,
): { ok: true; entries: ListEntry[] } | { ok: false; body: ListError } {
  const fail = (message: string): { ok: false; body: ListError } => ({
    ok: false,
    body: { error: 'invalid_subscriptions', message: `@tidings/server: ${message}` },
  });
  if (typeof raw !== 'string') {
    return fail(
      `send the subscriptions as one JSON list in the "${SUBSCRIPTIONS_QUERY}" query param: ${EXAMPLE}.`,
    );
  }
  let list: unknown;
  try {
    list = JSON.parse(raw);
  } catch {
    return fail(`the "${SUBSCRIPTIONS_QUERY}" query param is not JSON; expected ${EXAMPLE}.`);
  }
  if (!Array.isArray(list))
    return fail(`the "${SUBSCRIPTIONS_QUERY}" query param is not a JSON list; expected ${EXAMPLE}.`);
  if (list.length === 0) return fail('the subscription list is empty.');
  if (list.length > max) {
    return {
      ok: false,
      body: {
        error: 'too_many_subscriptions',
        message: `@tidings/server: ${list.length} subscriptions in one connection; this server takes at most ${max} (maxSubscriptionsPerConnection). Split them over several clients.`,
      },
    };
  }
  const keys = new Set<string>();
  const entries: ListEntry[] = [];
  for (let i = 0; i < list.length; i++) {
    const item: unknown = list[i];
    if (!isRecord(item)) return fail(`subscription ${i} is not an object like {"k":"1","s":"<stream>"}.`);
    const { k, s, p, q, c } = item;
    if (typeof k !== 'string' || !SUBSCRIPTION_KEY.test(k)) {
      return fail(
        `subscription ${i} has key ${JSON.stringify(k) ?? 'undefined'}; expected 1 to 64 of [A-Za-z0-9_.-].`,
      );
    }
    if (keys.has(k)) return fail(`the key "${k}" is used twice; give each subscription its own.`);
    keys.add(k);
    const stream = typeof s === 'string' ? streams.get(s) : undefined;
    if (stream === undefined) {
      return fail(
        `subscription "${k}" names stream ${JSON.stringify(s) ?? 'undefined'}, which the contract does not declare (streams: ${[...streams.keys()].map((name) => `"${name}"`).join(', ')}).`,
      );
    }
    if (p !== undefined && !isRecord(p))
      return fail(`subscription "${k}": "p" (its params) must be an object.`);
    if (q !== undefined && !isRecord(q))
      return fail(`subscription "${k}": "q" (its query) must be an object.`);
    if (c !== undefined && typeof c !== 'string')
      return fail(`subscription "${k}": "c" (its cursor) must be a string.`);
    entries.push({ key: k, stream, params: p ?? {}, query: q ?? {}, cursor: c });
  }
  return { ok: true, entries };
}

/** An entry whose checks passed, on its topic. */
export interface AcceptedTopic {
  readonly stream: RouteStream;
  readonly key: string;
  /** The keys of the entries on this topic (two entries may name the same topic). */
  readonly keys: string[];
  /** Where the topic starts: the oldest valid cursor of its entries, if any. */
  cursor: ParsedEventId | null;
  cursorText: string | undefined;
}

/** An entry of a stream served by a handler: it runs on its own, per connection. */
export interface AcceptedHandler {
  readonly entry: ListEntry;
  readonly params: object;
  readonly query: object;
  /** Its topic key (what `subscriberCount` counts it under). */
  readonly key: string;
}

/** What a list became: the topics to subscribe to, the handlers to run, and the `!err` frames of the refused entries. */
export interface CheckedList {
  readonly topics: AcceptedTopic[];
  readonly handlers: AcceptedHandler[];
  readonly refusals: string[];
}

/** An error `authorize` threw, as one entry's refusal (its own status when it has one, else 500). */
function refusal(error: unknown, request: HubRequest): SubscriptionCheck {
  const status = (error as { statusCode?: unknown } | null)?.statusCode;
  if (typeof status === 'number' && status >= 400 && status < 500) {
    return {
      ok: false,
      status,
      body: { error: 'refused', message: error instanceof Error ? error.message : String(error) },
    };
  }
  request.log.error(
    { err: error },
    '@tidings/server: authorize threw for one subscription of a multiplexed list',
  );
  return {
    ok: false,
    status: typeof status === 'number' && status >= 500 && status < 600 ? status : 500,
    body: { error: 'internal_error' },
  };
}

/** A refused entry's frame: `data: - !err {"k","status","body"}`. */
export function refusalFrame(key: string, status: number, body: object): string {
  return encodeMuxControl('-', 'err', JSON.stringify({ k: key, status, body }));
}

/** Runs every entry's checks on its own, then groups the accepted ones by topic. */
export async function checkList(
  entries: readonly ListEntry[],
  request: HubRequest,
  authorize: Authorize | undefined,
  isHandled: (stream: string) => boolean,
): Promise<CheckedList> {
  const checks = await Promise.all(
    entries.map((entry) =>
      checkSubscription(entry.stream, request, { params: entry.params, query: entry.query }, authorize).catch(
        (error: unknown) => refusal(error, request),
      ),
    ),
  );
  const byTopic = new Map<string, AcceptedTopic>();
  const handlers: AcceptedHandler[] = [];
  const refusals: string[] = [];
  for (let i = 0; i < entries.length; i++) {
    const entry = entries[i]!;
    const check = checks[i]!;
    if (!check.ok) {
      refusals.push(refusalFrame(entry.key, check.status, check.body));
      continue;
    }
    const key = topicKey(entry.stream.name, check.params as Record<string, unknown>);
    if (isHandled(entry.stream.name)) {
      handlers.push({ entry, params: check.params, query: check.query, key });
      continue;
    }
    let topic = byTopic.get(key);
    if (!topic) {
      topic = { stream: entry.stream, key, keys: [], cursor: null, cursorText: undefined };
      byTopic.set(key, topic);
    }
    topic.keys.push(entry.key);
    const cursor = parseEventId(entry.cursor);
    if (cursor !== null && (topic.cursor === null || compareParsedIds(cursor, topic.cursor) < 0)) {
      topic.cursor = cursor;
      topic.cursorText = entry.cursor;
    }
  }
  return { topics: [...byTopic.values()], handlers, refusals };
}
