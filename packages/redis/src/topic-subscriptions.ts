import { compareParsedIds, formatEventId, type ParsedEventId, parseEventId } from '@tidings/contract/wire';
import type { LiveGap, StoredEvent, TopicRef } from '@tidings/server';
import type { TrackedConnection } from './connection.ts';
import { isConnectionError, readyWaiter } from './connection.ts';
import { historyOf, type TopicKeys, topicKeys } from './keys.ts';
import { replayResult } from './replay-result.ts';
import type { Scripts } from './scripts.ts';

/** One local subscriber of a topic. */
interface Listener {
  readonly onEvent: (event: StoredEvent) => void;
  readonly onGap: ((gap: LiveGap) => void) | undefined;
}

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
  /** The broker's scripts on the command connection. */
  readonly scripts: Scripts;
  readonly subscriber: TrackedConnection;
  readonly connectTimeoutMs: number;
  readonly onListenerError: (error: unknown, topic: TopicRef) => void;
  /** Called when the replay after a reconnect fails for another reason than the connection; the topic goes live without it. */
  readonly onCatchUpError: (error: unknown, topic: TopicRef) => void;
  /** Called when the pub/sub connection drops while topics are live (they catch up once it is back). */
  readonly onDrop: (liveTopics: number) => void;
  /** Called when events a live topic missed were trimmed before it could catch up (its listeners got `onGap`). */
  readonly onLiveGap: (topic: TopicRef, gap: LiveGap) => void;
  /** Called when the last local listener of a topic leaves. */
  readonly onRelease: (keys: TopicKeys) => void;
}

/** The subscription side of `redisBroker`: one pub/sub subscription per topic, shared by local listeners. */
export interface TopicSubscriptions {
  subscribe(
    ref: TopicRef,
    onEvent: (event: StoredEvent) => void,
    onGap?: (gap: LiveGap) => void,
  ): Promise<() => void>;
  /** Topics with a live subscription, for keeping their keys from expiring. */
  liveTopics(): Iterable<TopicKeys>;
  close(): void;
}

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
  const { onDrop, onLiveGap, scripts } = options;
  const sub = subscriber.redis;
  const byChannel = new Map<string, TopicState>();
  const closing = new AbortController();
  const commandReady = readyWaiter(command.redis, closing.signal);
  let epoch = 0;

  function deliver(state: TopicState, event: StoredEvent): void {
    const id = parseEventId(event.id);
    if (!id || (state.last && compareParsedIds(id, state.last) <= 0)) return;
    state.last = id;
    for (const listener of state.listeners) {
      try {
        listener.onEvent(event);
      } catch (error) {
        onListenerError(error, state.ref);
      }
    }
  }

  /** Tells a topic's listeners that events were lost before the next one they get. */
  function signalGap(state: TopicState, gap: LiveGap): void {
    onLiveGap(state.ref, gap);
    for (const listener of state.listeners) {
      try {
        listener.onGap?.(gap);
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
    let live = 0;
    for (const state of byChannel.values()) {
      if (!state.isLive) continue;
      state.syncing = true;
      live++;
    }
    if (live > 0 && !closing.signal.aborted) onDrop(live);
  }

  /**
   * Replays a topic from its last delivered id, then releases what arrived live meanwhile. When
   * Redis trimmed events it had not delivered (more than `history` were published while the
   * connection was down, or Redis cut a slow subscriber), its listeners are told before the rest.
   */
  async function catchUp(state: TopicState, at: number): Promise<void> {
    for (;;) {
      if (at !== epoch || state.closed || closing.signal.aborted) return;
      await commandReady.until();
      if (at !== epoch || state.closed || closing.signal.aborted) return;
      const after = state.last;
      let reply: unknown;
      try {
        reply = await scripts.replay(
          state.keys,
          after === null ? '0-0' : formatEventId(after),
          historyOf(state.ref),
        );
      } catch (error) {
        if (isConnectionError(error)) {
          // The command connection dropped too: try again once it is back (or after a while).
          await commandReady.next(1_000);
          continue;
        }
        // Redis answered with an error (say, a foreign key of another type in our place).
        onCatchUpError(error, state.ref);
        break;
      }
      if (at !== epoch || state.closed) return;
      const missed = replayResult(after, reply);
      if (missed.gap) {
        signalGap(state, {
          lastEventId: after === null ? undefined : formatEventId(after),
          oldestAvailableId: missed.oldestAvailableId,
        });
      }
      for (const event of missed.events) deliver(state, event);
      break;
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
    async subscribe(ref, onEvent, onGap) {
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
      // Its own object, so one function may subscribe twice and each unsubscribe removes only its own.
      const own: Listener = { onEvent, onGap };
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
