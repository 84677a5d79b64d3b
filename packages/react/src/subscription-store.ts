import {
  type EventPayloads,
  isTidingsError,
  type LifecycleEvents,
  type StreamEvent,
  type SubscriptionGapEvent,
  type SubscriptionStatus,
  TidingsError,
} from '@tidings/client';
import type { SubscriptionState } from './types.ts';

/**
 * How often a live subscription's `status` is read back. The client announces `open`, `error` and
 * `close`, but not a stream that ended in good order (a planned drain, or a browser `EventSource`'s
 * silent drop) and is waiting to reconnect: that `connecting` shows within this interval.
 */
export const STATUS_POLL_MS = 250;

/** What the store uses of a subscription, whatever its stream's events (any `Subscription` is one). */
export interface HeldSubscription extends AsyncIterable<StreamEvent<EventPayloads>> {
  readonly status: SubscriptionStatus;
  addEventListener<TName extends keyof LifecycleEvents>(
    type: TName,
    listener: (event: LifecycleEvents[TName]) => void,
  ): void;
  close(): void;
}

/** One component's hold on a shared subscription. */
export interface Consumer {
  /** Tells React to read its snapshot again. */
  notify(): void;
  onEvent(event: StreamEvent<EventPayloads>): void;
  onGap(event: SubscriptionGapEvent): void;
  /** How many recent events this consumer reads (0: none). */
  limit(): number;
}

/** What the hooks read of a shared subscription; every field is replaced, never mutated, except `latest`. */
export interface StoreEntry {
  readonly state: SubscriptionState;
  /** The most recent events, as many as the largest `limit` among the consumers asked for. */
  readonly events: readonly StreamEvent<EventPayloads>[];
  /** The latest payload of each event name (payloads are fresh objects, so a change is a new value). */
  readonly latest: ReadonlyMap<string, unknown>;
  /** Consumers holding it now (for tests). */
  readonly consumers: number;
}

const EMPTY: readonly StreamEvent<EventPayloads>[] = Object.freeze([]);

/** Rethrows in a microtask, like `EventTarget`: one throwing callback does not stop the others. */
function report(error: unknown): void {
  queueMicrotask(() => {
    throw error;
  });
}

function asTidingsError(error: unknown): TidingsError {
  if (isTidingsError(error)) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new TidingsError('CONFIG_INVALID', `@tidings/react: subscribe() threw: ${message}`, {
    cause: error,
  });
}

class Entry implements StoreEntry {
  state: SubscriptionState = { status: 'connecting', error: undefined };
  events = EMPTY;
  readonly latest = new Map<string, unknown>();
  readonly holders = new Set<Consumer>();
  releaseTimer: ReturnType<typeof setTimeout> | undefined;
  private subscription: HeldSubscription | undefined;
  private poll: ReturnType<typeof setInterval> | undefined;

  constructor(private readonly forget: () => void) {}

  get consumers(): number {
    return this.holders.size;
  }

  start(open: () => HeldSubscription): void {
    let subscription: HeldSubscription;
    try {
      subscription = open();
    } catch (error) {
      this.setState('closed', asTidingsError(error));
      return;
    }
    this.subscription = subscription;
    subscription.addEventListener('open', () => this.setState('open', undefined));
    subscription.addEventListener('error', (e) => this.setState(subscription.status, e.error));
    subscription.addEventListener('gap', (e) => {
      for (const consumer of [...this.holders]) consumer.onGap(e);
    });
    subscription.addEventListener('close', (e) => {
      clearInterval(this.poll);
      this.setState('closed', e.error ?? this.state.error);
    });
    this.setState(subscription.status, undefined);
    if (subscription.status !== 'closed') {
      this.poll = setInterval(() => this.setState(subscription.status, this.state.error), STATUS_POLL_MS);
      void this.pump(subscription);
    }
  }

  private async pump(subscription: HeldSubscription): Promise<void> {
    try {
      for await (const event of subscription) this.deliver(event);
    } catch {
      // The error that closed the subscription reached the state through its `close` event.
    }
  }

  private deliver(event: StreamEvent<EventPayloads>): void {
    this.latest.set(event.type, event.data);
    let keep = 0;
    for (const consumer of this.holders) keep = Math.max(keep, consumer.limit());
    if (keep > 0) this.events = [...this.events.slice(Math.max(0, this.events.length - keep + 1)), event];
    for (const consumer of [...this.holders]) {
      try {
        consumer.onEvent(event);
      } catch (error) {
        report(error);
      }
    }
    this.notify();
  }

  private setState(status: SubscriptionState['status'], error: TidingsError | undefined): void {
    if (status === this.state.status && error === this.state.error) return;
    this.state = { status, error };
    this.notify();
  }

  private notify(): void {
    for (const consumer of [...this.holders]) consumer.notify();
  }

  dispose(): void {
    clearInterval(this.poll);
    this.subscription?.close();
    this.forget();
  }
}

/** Shared subscriptions by stream client (so by client and stream), then by params and query. */
const registry = new WeakMap<object, Map<string, Entry>>();

/** The shared subscription of `stream` for `key`, if one is held (read during render: never opens anything). */
export function peekEntry(stream: object, key: string): StoreEntry | undefined {
  return registry.get(stream)?.get(key);
}

/**
 * Holds the shared subscription of `stream` for `key` on behalf of `consumer`, opening it with `open`
 * when no one holds it; returns the function that lets go of it.
 */
export function acquireEntry(
  stream: object,
  key: string,
  open: () => HeldSubscription,
  consumer: Consumer,
): () => void {
  let entries = registry.get(stream);
  if (!entries) {
    entries = new Map();
    registry.set(stream, entries);
  }
  let entry = entries.get(key);
  if (!entry) {
    const owner = entries;
    const created: Entry = new Entry(() => {
      if (owner.get(key) === created) owner.delete(key);
    });
    entry = created;
    entries.set(key, entry);
    entry.holders.add(consumer);
    entry.start(open);
  } else {
    clearTimeout(entry.releaseTimer);
    entry.releaseTimer = undefined;
    entry.holders.add(consumer);
  }
  const held = entry;
  return () => {
    held.holders.delete(consumer);
    if (held.holders.size > 0 || held.releaseTimer !== undefined) return;
    // Closed a task later, not now: StrictMode's unmount and remount (and a component that moves in one
    // commit) take it back before then, so they reuse the connection instead of opening a second.
    held.releaseTimer = setTimeout(() => {
      held.releaseTimer = undefined;
      if (held.holders.size === 0) held.dispose();
    }, 0);
  };
}
