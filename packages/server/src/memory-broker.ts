import {
  compareParsedIds,
  createEventIdGenerator,
  type EventIdGenerator,
  type ParsedEventId,
  parseEventId,
} from '@tidings/contract/wire';
import type { Broker, ReplayResult, StoredEvent, TopicRef } from './broker.ts';
import { TidingsBrokerError, TidingsError } from './errors.ts';

/** Options of `memoryBroker()`. */
export interface MemoryBrokerOptions {
  /**
   * How long an idle topic keeps its history: a topic nobody subscribes to is dropped this long
   * after its last event (or its last unsubscribe, whichever is later).
   * @default 600_000 (10 minutes)
   */
  historyTtlMs?: number | undefined;
}

/** The in-process broker: `Broker` plus a view of how many topics it holds. */
export interface MemoryBroker extends Broker {
  /** Topics currently held (with history or subscribers). */
  readonly topicCount: number;
  latestId(topic: TopicRef): Promise<string | undefined>;
}

interface Entry {
  readonly event: StoredEvent;
  readonly parsed: ParsedEventId;
}

interface TopicState {
  /** Ring buffer of the last `capacity` events. */
  ring: (Entry | undefined)[];
  capacity: number;
  /** Index of the oldest entry. */
  start: number;
  size: number;
  last: ParsedEventId | null;
  /** Below this id the broker cannot vouch for every later event (evicted, expired, or before it started). */
  floor: ParsedEventId;
  subscribers: Set<(event: StoredEvent) => void>;
  touchedAt: number;
  /** This topic's own ids: a sequence shared by every topic would let one topic count another's events. */
  ids: EventIdGenerator;
}

const DEFAULT_TTL_MS = 10 * 60_000;
const MAX_SWEEP_MS = 60_000;

function fail(what: string): TidingsBrokerError {
  return new TidingsBrokerError(`@tidings/server: memoryBroker is closed; cannot ${what}.`);
}

function maxId(a: ParsedEventId, b: ParsedEventId): ParsedEventId {
  return compareParsedIds(a, b) >= 0 ? a : b;
}

/**
 * The embedded broker for one process: a ring buffer per topic sized by its `history`, strictly
 * increasing ids, replay with gap detection, and idle topics dropped after `historyTtlMs`.
 * @example
 * const hub = createHub(market, { broker: memoryBroker({ historyTtlMs: 60_000 }) });
 */
export function memoryBroker(options: MemoryBrokerOptions = {}): MemoryBroker {
  const ttl = options.historyTtlMs ?? DEFAULT_TTL_MS;
  if (!Number.isFinite(ttl) || ttl < 0) {
    throw new TidingsError(
      'CONFIG_INVALID',
      `@tidings/server: memoryBroker option "historyTtlMs" is ${String(ttl)}; expected a number of milliseconds ≥ 0.`,
    );
  }
  // No id issued before the broker existed can be vouched for (a previous process's history is gone).
  const startedAt: ParsedEventId = { ms: Date.now(), seq: 0 };
  let expiredFloor = startedAt;
  const topics = new Map<string, TopicState>();
  let sweeper: ReturnType<typeof setInterval> | undefined;
  let closed = false;

  function sweep(): void {
    const now = Date.now();
    for (const [key, state] of topics) {
      if (state.subscribers.size === 0 && now - state.touchedAt >= ttl) {
        if (state.last) expiredFloor = maxId(expiredFloor, state.last);
        topics.delete(key);
      }
    }
    if (topics.size === 0 && sweeper) {
      clearInterval(sweeper);
      sweeper = undefined;
    }
  }

  function stateOf(topic: TopicRef): TopicState {
    let state = topics.get(topic.key);
    if (!state) {
      const capacity = Math.max(0, Math.floor(topic.history));
      state = {
        ring: [],
        capacity,
        start: 0,
        size: 0,
        last: null,
        floor: expiredFloor,
        subscribers: new Set(),
        touchedAt: Date.now(),
        // After every id an expired topic issued: a client's old id is never taken for a new event's.
        ids: createEventIdGenerator(expiredFloor),
      };
      topics.set(topic.key, state);
      if (!sweeper) {
        sweeper = setInterval(sweep, Math.min(MAX_SWEEP_MS, Math.max(5, ttl / 4)));
        sweeper.unref();
      }
    }
    return state;
  }

  function store(state: TopicState, entry: Entry): void {
    if (state.capacity === 0) {
      state.floor = maxId(state.floor, entry.parsed);
      return;
    }
    if (state.size < state.capacity) {
      state.ring[(state.start + state.size) % state.capacity] = entry;
      state.size++;
      return;
    }
    const evicted = state.ring[state.start]!;
    state.floor = maxId(state.floor, evicted.parsed);
    state.ring[state.start] = entry;
    state.start = (state.start + 1) % state.capacity;
  }

  return {
    get topicCount() {
      return topics.size;
    },

    publish(topic, name, data) {
      if (closed) return Promise.reject(fail(`publish to topic "${topic.key}"`));
      const state = stateOf(topic);
      const id = state.ids.next();
      const parsed = state.ids.last!;
      const event: StoredEvent = { id, name, data };
      store(state, { event, parsed });
      state.last = parsed;
      state.touchedAt = parsed.ms;
      for (const onEvent of state.subscribers) {
        try {
          onEvent(event);
        } catch (error) {
          process.emitWarning(
            `@tidings/server: a memoryBroker subscriber of topic "${topic.key}" threw: ${String(error)}`,
          );
        }
      }
      return Promise.resolve(id);
    },

    subscribe(topic, onEvent) {
      if (closed) return Promise.reject(fail(`subscribe to topic "${topic.key}"`));
      const state = stateOf(topic);
      // Wrap so the same function may subscribe twice and each unsubscribe removes only its own.
      const listener = (event: StoredEvent): void => onEvent(event);
      state.subscribers.add(listener);
      let active = true;
      return Promise.resolve(() => {
        if (!active) return;
        active = false;
        state.subscribers.delete(listener);
        state.touchedAt = Date.now();
        // A topic that never had an event costs nothing once nobody listens: replay and position
        // answer for an absent topic exactly as for an empty one.
        if (state.last === null && state.subscribers.size === 0 && topics.get(topic.key) === state)
          topics.delete(topic.key);
      });
    },

    latestId(topic) {
      if (closed) return Promise.reject(fail(`read the latest id of topic "${topic.key}"`));
      const last = topics.get(topic.key)?.last;
      return Promise.resolve(last ? `${last.ms}-${last.seq}` : undefined);
    },

    replay(topic, afterId) {
      if (closed) return Promise.reject(fail(`replay topic "${topic.key}"`));
      const after = parseEventId(afterId);
      const state = topics.get(topic.key);
      if (!after || !state) {
        // A topic that has issued nothing cannot vouch for any id.
        return Promise.resolve({ events: [], gap: after !== null });
      }
      return Promise.resolve(replayFrom(state, after));
    },

    close() {
      closed = true;
      if (sweeper) clearInterval(sweeper);
      sweeper = undefined;
      topics.clear();
      return Promise.resolve();
    },
  };
}

function replayFrom(state: TopicState, after: ParsedEventId): ReplayResult {
  const events: StoredEvent[] = [];
  // Walk back from the newest: a resuming client is usually only a few events behind.
  let first = state.size;
  while (first > 0) {
    const entry = state.ring[(state.start + first - 1) % state.capacity]!;
    if (compareParsedIds(entry.parsed, after) <= 0) break;
    first--;
  }
  for (let i = first; i < state.size; i++) events.push(state.ring[(state.start + i) % state.capacity]!.event);
  const oldest = state.size > 0 ? state.ring[state.start]!.event.id : undefined;
  const future = state.last === null || compareParsedIds(after, state.last) > 0;
  const evicted = compareParsedIds(after, state.floor) < 0;
  return { events, gap: future || evicted, oldestAvailableId: oldest };
}
