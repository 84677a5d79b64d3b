import { compareParsedIds, formatEventId, type ParsedEventId, parseEventId } from '@tidings/contract/wire';
import type { LiveGap, StoredEvent, TopicRef } from '@tidings/server';
import type { TrackedConnection } from './connection.ts';
import { isConnectionError, readyWaiter } from './connection.ts';
import { historyOf, type TopicKeys, topicKeys } from './keys.ts';
import type { LiveChannelEvents, LiveChannels } from './live-channels.ts';
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
  /** Bumped whenever the subscription is lost, so a catch-up for an earlier loss stops. */
  generation: number;
}

/** What the subscription side needs from the broker. */
export interface TopicSubscriptionsOptions {
  readonly prefix: string;
  readonly command: TrackedConnection;
  /** The broker's scripts on the command connection. */
  readonly scripts: Scripts;
  /** Creates the pub/sub side (one connection, or one per cluster master) that reports to these events. */
  readonly channels: (events: LiveChannelEvents) => LiveChannels;
  readonly connectTimeoutMs: number;
  /** How long a catch-up that failed for want of a connection waits before it tries again. */
  readonly retryMs: number;
  readonly onListenerError: (error: unknown, topic: TopicRef) => void;
  /** Called when the replay after a reconnect fails for another reason than the connection; the topic goes live without it. */
  readonly onCatchUpError: (error: unknown, topic: TopicRef) => void;
  /** Called when a pub/sub connection (`connection` names it) drops while topics on it are live (they catch up once it is back). */
  readonly onDrop: (liveTopics: number, connection: string) => void;
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
  close(): Promise<void>;
}

function parseMessage(message: string): StoredEvent | null {
  const a = message.indexOf('\n');
  const b = a < 0 ? -1 : message.indexOf('\n', a + 1);
  if (b < 0) return null;
  return { id: message.slice(0, a), name: message.slice(a + 1, b), data: message.slice(b + 1) };
}

/**
 * Routes pub/sub messages to local listeners in id order, dropping ids already delivered, and
 * after a lost subscription (a dropped connection, or a topic whose slot moved to another master)
 * replays the topic from the last id it delivered before resuming live delivery.
 */
export function createTopicSubscriptions(options: TopicSubscriptionsOptions): TopicSubscriptions {
  const { prefix, command, connectTimeoutMs, retryMs, onListenerError, onCatchUpError, onRelease } = options;
  const { onDrop, onLiveGap, scripts } = options;
  const byChannel = new Map<string, TopicState>();
  const closing = new AbortController();
  const commandReady = readyWaiter(command.redis, closing.signal);

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

  /** Live topics whose subscription is gone buffer what arrives until they have caught up. */
  function onLost(channels: readonly string[], dropped: string | undefined): void {
    let live = 0;
    for (const channel of channels) {
      const state = byChannel.get(channel);
      if (!state || state.closed || !state.isLive) continue;
      state.syncing = true;
      state.pending = [];
      state.generation++;
      live++;
    }
    if (live > 0 && dropped !== undefined && !closing.signal.aborted) onDrop(live, dropped);
  }

  function onRestored(channels: readonly string[]): void {
    for (const channel of channels) {
      const state = byChannel.get(channel);
      if (!state || state.closed || !state.isLive || !state.syncing) continue;
      catchUp(state, state.generation).catch(() => {});
    }
  }

  const channels = options.channels({ message: onMessage, lost: onLost, restored: onRestored });

  /**
   * Replays a topic from its last delivered id, then releases what arrived live meanwhile. When
   * Redis trimmed events it had not delivered (more than `history` were published while the
   * connection was down, or Redis cut a slow subscriber), its listeners are told before the rest.
   */
  async function catchUp(state: TopicState, at: number): Promise<void> {
    const stale = (): boolean => at !== state.generation || state.closed || closing.signal.aborted;
    for (;;) {
      if (stale()) return;
      await commandReady.until();
      if (stale()) return;
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
          // The command connection dropped too (or the cluster is failing over): try again soon.
          await commandReady.next(retryMs);
          continue;
        }
        // Redis answered with an error (say, a foreign key of another type in our place).
        onCatchUpError(error, state.ref);
        break;
      }
      if (stale()) return;
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

  function release(state: TopicState): void {
    if (state.closed) return;
    state.closed = true;
    if (byChannel.get(state.keys.channel) === state) byChannel.delete(state.keys.channel);
    if (!state.isLive) return;
    channels.remove(state.keys.channel);
    onRelease(state.keys);
  }

  async function open(state: TopicState): Promise<void> {
    await command.ready(connectTimeoutMs);
    // The baseline is read before SUBSCRIBE, so every message that arrives is newer than it.
    const last = await command.redis.hget(state.keys.meta, 'last');
    if (state.last === null && last !== null) state.last = parseEventId(last);
    await channels.add(state.keys.channel, connectTimeoutMs);
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
          generation: 0,
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
        // An existing subscription is not live while its pub/sub connection is down.
        await channels.ready(current.keys.channel, connectTimeoutMs);
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

    async close() {
      closing.abort();
      for (const state of byChannel.values()) state.closed = true;
      byChannel.clear();
      await channels.close();
    },
  };
}
