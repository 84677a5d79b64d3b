import {
  createClient,
  type EventPayloads,
  type StreamClient,
  type StreamEvent,
  type StreamShape,
  type SubscriptionGapEvent,
} from '@tidings/client';
import { createHub } from '@tidings/server';
import { market } from '@tidings/test-kit/contract';
import { serverResource } from '@tidings/test-kit/server';
import { describe, expect, test, vi } from 'vitest';
import { subscriptionKey } from './stable-key.ts';
import { acquireEntry, type Consumer, peekEntry } from './subscription-store.ts';

const WAIT = { timeout: 10_000, interval: 10 };

/** A real stream client whose `subscribe` calls are counted (each call opens a connection). */
function counted<TStream extends StreamShape>(stream: StreamClient<TStream>) {
  let calls = 0;
  const call = stream.subscribe as (...args: unknown[]) => ReturnType<typeof stream.subscribe>;
  const wrapped = {
    subscribe: (...args: unknown[]) => {
      calls++;
      return call(...args);
    },
  } as unknown as StreamClient<TStream>;
  return { stream: wrapped, calls: () => calls };
}

/** A consumer that records what the store tells it. */
function holder(limit = 0) {
  const events: StreamEvent<EventPayloads>[] = [];
  const gaps: SubscriptionGapEvent[] = [];
  const consumer: Consumer & { notified: number } = {
    notified: 0,
    notify: () => consumer.notified++,
    onEvent: (event) => events.push(event),
    onGap: (gap) => gaps.push(gap),
    limit: () => limit,
  };
  return { consumer, events, gaps };
}

async function setup() {
  const server = await serverResource(createHub(market, { retryMs: 50, drainWindowMs: 50 }));
  const client = createClient(market, { baseUrl: server.url, reconnect: { initialDelayMs: 20 } });
  return {
    server,
    client,
    async [Symbol.asyncDispose]() {
      client.close();
      await server[Symbol.asyncDispose]();
    },
  };
}

const acme = { symbol: 'ACME' };
const acmeKey = subscriptionKey(acme, undefined);

describe('the shared subscription store, against a real hub', () => {
  test('two holders of the same stream and params share one subscription; the last release closes it a task later', async () => {
    await using env = await setup();
    const { stream, calls } = counted(env.client.ticker);
    const open = () => stream.subscribe(acme);
    const a = holder();
    const b = holder();
    const releaseA = acquireEntry(stream, acmeKey, open, a.consumer);
    const releaseB = acquireEntry(stream, subscriptionKey({ symbol: 'ACME' }, undefined), open, b.consumer);
    expect(calls()).toBe(1);
    await vi.waitFor(() => expect(peekEntry(stream, acmeKey)?.state.status).toBe('open'), WAIT);
    expect(env.server.hub.stats().connections).toBe(1);
    expect(peekEntry(stream, acmeKey)?.consumers).toBe(2);

    await env.server.hub.streams.ticker.emit(acme, 'quote', { price: 1 });
    await vi.waitFor(() => expect(b.events).toHaveLength(1), WAIT);
    expect(a.events.map((e) => e.data)).toEqual([{ price: 1 }]);

    releaseA();
    releaseB();
    // Still held until the task ends: a remount in the same commit would take it back.
    expect(peekEntry(stream, acmeKey)?.consumers).toBe(0);
    await vi.waitFor(() => expect(peekEntry(stream, acmeKey)).toBeUndefined(), WAIT);
    await vi.waitFor(() => expect(env.server.hub.stats().connections).toBe(0), WAIT);
    expect(calls()).toBe(1);
  });

  test('a release and a new hold in the same task (StrictMode) keep the one subscription', async () => {
    await using env = await setup();
    const { stream, calls } = counted(env.client.ticker);
    const open = () => stream.subscribe(acme);
    const first = holder();
    const second = holder();
    const release = acquireEntry(stream, acmeKey, open, first.consumer);
    release();
    const releaseSecond = acquireEntry(stream, acmeKey, open, second.consumer);
    await vi.waitFor(() => expect(peekEntry(stream, acmeKey)?.state.status).toBe('open'), WAIT);
    await env.server.hub.streams.ticker.emit(acme, 'quote', { price: 2 });
    await vi.waitFor(() => expect(second.events).toHaveLength(1), WAIT);
    expect(first.events).toEqual([]);
    expect(calls()).toBe(1);
    expect(env.server.requests()).toBe(1);
    expect(env.server.hub.stats().connections).toBe(1);
    releaseSecond();
  });

  test('different params are different subscriptions', async () => {
    await using env = await setup();
    const { stream, calls } = counted(env.client.ticker);
    const releases = ['ACME', 'NOVA'].map((symbol) =>
      acquireEntry(
        stream,
        subscriptionKey({ symbol }, undefined),
        () => stream.subscribe({ symbol }),
        holder().consumer,
      ),
    );
    expect(calls()).toBe(2);
    const count = env.server.hub.streams.ticker.subscriberCount;
    await vi.waitFor(() => expect([count(acme), count({ symbol: 'NOVA' })]).toEqual([1, 1]), WAIT);
    for (const release of releases) release();
    await vi.waitFor(() => expect([count(acme), count({ symbol: 'NOVA' })]).toEqual([0, 0]), WAIT);
    await vi.waitFor(() => expect(env.server.hub.stats().connections).toBe(0), WAIT);
  });

  test('keeps the latest payload per event and as many recent events as the largest limit asks for', async () => {
    await using env = await setup();
    const stream = env.client.ticker;
    const open = () => stream.subscribe(acme);
    const small = holder(2);
    const large = holder(3);
    const release = [
      acquireEntry(stream, acmeKey, open, small.consumer),
      acquireEntry(stream, acmeKey, open, large.consumer),
    ];
    await vi.waitFor(() => expect(peekEntry(stream, acmeKey)?.state.status).toBe('open'), WAIT);
    const emit = env.server.hub.streams.ticker.emit;
    await emit(acme, 'quote', { price: 1 });
    await emit(acme, 'halted', { reason: 'news' });
    await emit(acme, 'quote', { price: 2 });
    await emit(acme, 'quote', { price: 3 });
    await vi.waitFor(() => expect(large.events).toHaveLength(4), WAIT);
    const entry = peekEntry(stream, acmeKey)!;
    expect(entry.events.map((e) => e.data)).toEqual([{ reason: 'news' }, { price: 2 }, { price: 3 }]);
    expect(entry.latest.get('quote')).toEqual({ price: 3 });
    expect(entry.latest.get('halted')).toEqual({ reason: 'news' });
    expect(small.events).toEqual(large.events);
    expect(small.consumer.notified).toBeGreaterThanOrEqual(4);
    for (const r of release) r();
  });

  test('a holder that asks for no events keeps none', async () => {
    await using env = await setup();
    const stream = env.client.ticker;
    const only = holder(0);
    const release = acquireEntry(stream, acmeKey, () => stream.subscribe(acme), only.consumer);
    await vi.waitFor(() => expect(peekEntry(stream, acmeKey)?.state.status).toBe('open'), WAIT);
    await env.server.hub.streams.ticker.emit(acme, 'quote', { price: 1 });
    await vi.waitFor(() => expect(only.events).toHaveLength(1), WAIT);
    expect(peekEntry(stream, acmeKey)?.events).toEqual([]);
    expect(peekEntry(stream, acmeKey)?.latest.get('quote')).toEqual({ price: 1 });
    release();
  });

  test('a subscribe that throws (the client was closed) is a closed state with the error, not an exception', async () => {
    await using env = await setup();
    env.client.close();
    const stream = env.client.announcements;
    const key = subscriptionKey(undefined, undefined);
    const h = holder();
    const release = acquireEntry(stream, key, () => stream.subscribe(), h.consumer);
    const state = peekEntry(stream, key)?.state;
    expect(state?.status).toBe('closed');
    expect(state?.error?.code).toBe('CONFIG_INVALID');
    expect(state?.error?.message).toMatch(/after client\.close\(\)/);
    release();
    expect(env.server.requests()).toBe(0);
  });

  test('a refused subscription (400: invalid params) is closed with the HTTP error', async () => {
    await using env = await setup();
    const stream = env.client.ticker;
    const lower = { symbol: 'acme' };
    const key = subscriptionKey(lower, undefined);
    const release = acquireEntry(stream, key, () => stream.subscribe(lower), holder().consumer);
    await vi.waitFor(() => expect(peekEntry(stream, key)?.state.status).toBe('closed'), WAIT);
    expect(peekEntry(stream, key)?.state.error).toMatchObject({ name: 'TidingsHttpError', status: 400 });
    release();
  });

  test('onGap hears a gap: a resume from an id the history no longer holds', async () => {
    await using env = await setup();
    const emit = env.server.hub.streams.announcements.emit;
    const first = await emit('notice', { text: '1' });
    for (let i = 2; i <= 5; i++) await emit('notice', { text: String(i) });
    const stream = env.client.announcements;
    const key = subscriptionKey(undefined, undefined);
    const h = holder();
    const release = acquireEntry(stream, key, () => stream.subscribe({ lastEventId: first }), h.consumer);
    await vi.waitFor(() => expect(h.gaps).toHaveLength(1), WAIT);
    expect(h.gaps[0]?.lastEventId).toBe(first);
    await vi.waitFor(() => expect(h.events).toHaveLength(3), WAIT);
    release();
  });

  test('a stream that ends in good order shows `connecting` though the client dispatches no event for it', async () => {
    const hub = createHub(market, { retryMs: 5_000, drainWindowMs: 0 });
    await using server = await serverResource(hub);
    using client = createClient(market, { baseUrl: server.url });
    const stream = client.ticker;
    const h = holder();
    const release = acquireEntry(stream, acmeKey, () => stream.subscribe(acme), h.consumer);
    await vi.waitFor(() => expect(peekEntry(stream, acmeKey)?.state.status).toBe('open'), WAIT);
    await hub.drain();
    await vi.waitFor(
      () => expect(peekEntry(stream, acmeKey)?.state).toEqual({ status: 'connecting', error: undefined }),
      WAIT,
    );
    release();
  });
});
