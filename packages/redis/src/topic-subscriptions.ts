import { compareParsedIds, type ParsedEventId, parseEventId } from '@tidings/contract/wire';
import type { StoredEvent, TopicRef } from '@tidings/server';
import type { TrackedConnection } from './connection.ts';
import { isConnectionError, nextReady, untilReady } from './connection.ts';
import { type TopicKeys, topicKeys } from './keys.ts';
import { parseEntries } from './stream-entries.ts';

type Listener = (event: StoredEvent) => void;

interface TopicState {
  readonly ref: TopicRef;
  readonly keys: TopicKeys;
  readonly listeners: Set<Listener>;
  /** The last id delivered (or the topic's last id when the subscription went live): dedupe and resume point. */
  last: ParsedEventId | null;
  /** Resolves once the pub/sub subscription is live. */
  live: Promise<void>;
  isLive: boolean;
  closed: boolean;
  /** True from a lost subscriber connection until the missed events have been replayed. */
  syncing: boolean;
  /** Live messages received while syncing, delivered after the replay. */
  pending: StoredEvent[];
}

/** What the subscription side needs from the broker. */
export interface TopicSubscriptionsOptions {
  readonly prefix: string;
  readonly command: TrackedConnection;
  readonly subscriber: TrackedConnection;
  readonly connectTimeoutMs: number;
  readonly onListenerError: (error: unknown, topic: TopicRef) => void;
  /** Called when the replay after a reconnect fails for another reason than the connection; the topic goes live without it. */
  readonly onCatchUpError: (error: unknown, topic: TopicRef) => void;
  /** Called when the last local listener of a topic leaves. */
  readonly onRelease: (keys: TopicKeys) => void;
}

/** The subscription side of `redisBroker`: one pub/sub subscription per topic, shared by local listeners. */
export interface TopicSubscriptions {
  subscribe(ref: TopicRef, listener: Listener): Promise<() => void>;
  /** Topics with a live subscription, for keeping their keys from expiring. */
  liveTopics(): Iterable<TopicKeys>;
  close(): void;
}

const REPLAY_PAGE = 1_000;

function parseMessage(message: string): StoredEvent | null {
  const a = message.indexOf('\n');
  const b = a < 0 ? -1 : message.indexOf('\n', a + 1);
  if (b < 0) return null;
  return { id: message.slice(0, a), name: message.slice(a + 1, b), data: message.slice(b + 1) };
}

/**
 * Routes pub/sub messages to local listeners in id order, dropping ids already delivered, and
 * after a lost subscriber connection replays each live topic from the last id it delivered
 * before resuming live delivery.
 */
export function createTopicSubscriptions(options: TopicSubscriptionsOptions): TopicSubscriptions {
  const { prefix, command, subscriber, connectTimeoutMs, onListenerError, onCatchUpError, onRelease } =
    options;
  const sub = subscriber.redis;
  const byChannel = new Map<string, TopicState>();
  const closing = new AbortController();
  let epoch = 0;

  function deliver(state: TopicState, event: StoredEvent): void {
    const id = parseEventId(event.id);
    if (!id || (state.last && compareParsedIds(id, state.last) <= 0)) return;
    state.last = id;
    for (const listener of state.listeners) {
      try {
        listener(event);
      } catch (error) {
        onListenerError(error, state.ref);
      }
    }
  }

  function onMessage(channel: string, message: string): void {
    const state = byChannel.get(channel);
    if (!state || state.closed) return;
    const event = parseMessage(message);
    if (!event) return;
    if (state.syncing) state.pending.push(event);
    else deliver(state, event);
  }

  function onClose(): void {
    epoch++;
    for (const state of byChannel.values()) {
      if (state.isLive) state.syncing = true;
    }
  }

  /** Replays a topic from its last delivered id until caught up, then releases what arrived live meanwhile. */
  async function catchUp(state: TopicState, at: number): Promise<void> {
    for (;;) {
      if (at !== epoch || state.closed || closing.signal.aborted) return;
      await untilReady(command.redis, closing.signal);
      if (at !== epoch || state.closed || closing.signal.aborted) return;
      let events: StoredEvent[];
      try {
        const start = state.last ? `(${state.last.ms}-${state.last.seq}` : '-';
        const reply = await command.redis.xrange(state.keys.events, start, '+', 'COUNT', REPLAY_PAGE);
        events = parseEntries(reply);
      } catch (error) {
        if (isConnectionError(error)) {
          // The command connection dropped too: try again once it is back (or after a while).
          await nextReady(command.redis, closing.signal, 1_000);
          continue;
        }
        // Redis answered with an error (say, a foreign key of another type in our place).
        onCatchUpError(error, state.ref);
        break;
      }
      if (at !== epoch || state.closed) return;
      for (const event of events) deliver(state, event);
      if (events.length < REPLAY_PAGE) break;
    }
    const pending = state.pending;
    state.pending = [];
    state.syncing = false;
    for (const event of pending) deliver(state, event);
  }

  async function resync(): Promise<void> {
    const at = epoch;
    const states = [...byChannel.values()].filter((state) => state.isLive && state.syncing);
    if (states.length === 0) return;
    for (const state of states) state.pending = [];
    try {
      await sub.subscribe(...states.map((state) => state.keys.channel));
    } catch {
      return; // lost again; the next `ready` retries
    }
    // Topics released while the SUBSCRIBE was on its way must not stay subscribed.
    const gone = states.filter((state) => state.closed).map((state) => state.keys.channel);
    if (gone.length > 0) sub.unsubscribe(...gone).catch(() => {});
    await Promise.all(states.map((state) => catchUp(state, at)));
  }

  sub.on('message', onMessage);
  sub.on('close', onClose);
  sub.on('ready', () => {
    resync().catch(() => {});
  });

  function release(state: TopicState): void {
    if (state.closed) return;
    state.closed = true;
    if (byChannel.get(state.keys.channel) === state) byChannel.delete(state.keys.channel);
    if (!state.isLive) return;
    if (sub.status === 'ready') sub.unsubscribe(state.keys.channel).catch(() => {});
    onRelease(state.keys);
  }

  async function open(state: TopicState): Promise<void> {
    await command.ready(connectTimeoutMs);
    await subscriber.ready(connectTimeoutMs);
    // The baseline is read before SUBSCRIBE, so every message that arrives is newer than it.
    const last = await command.redis.hget(state.keys.meta, 'last');
    if (state.last === null && last !== null) state.last = parseEventId(last);
    await sub.subscribe(state.keys.channel);
    state.isLive = true;
  }

  return {
    async subscribe(ref, listener) {
      if (closing.signal.aborted) throw new Error('the broker is closed');
      const keys = topicKeys(prefix, ref.key);
      let state = byChannel.get(keys.channel);
      if (!state) {
        const created: TopicState = {
          ref,
          keys,
          listeners: new Set(),
          last: null,
          live: Promise.resolve(),
          isLive: false,
          closed: false,
          syncing: false,
          pending: [],
        };
        created.live = open(created);
        created.live.catch(() => {
          // The next subscribe to this topic starts afresh.
          if (byChannel.get(keys.channel) === created) byChannel.delete(keys.channel);
        });
        byChannel.set(keys.channel, created);
        state = created;
      }
      // Wrapped, so one function may subscribe twice and each unsubscribe removes only its own.
      const own: Listener = (event) => listener(event);
      state.listeners.add(own);
      const current = state;
      try {
        await current.live;
        // An existing subscription is not live while the subscriber connection is down.
        await subscriber.ready(connectTimeoutMs);
      } catch (error) {
        current.listeners.delete(own);
        if (current.listeners.size === 0) release(current);
        throw error;
      }
      let active = true;
      return () => {
        if (!active) return;
        active = false;
        current.listeners.delete(own);
        if (current.listeners.size === 0) release(current);
      };
    },

    *liveTopics() {
      for (const state of byChannel.values()) if (state.isLive && !state.closed) yield state.keys;
    },

    close() {
      closing.abort();
      for (const state of byChannel.values()) state.closed = true;
      byChannel.clear();
    },
  };
}
