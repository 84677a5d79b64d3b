import { createHub } from '@tidings/server';
import { market } from '@tidings/test-kit/contract';
import { serverResource } from '@tidings/test-kit/server';
import { describe, expect, test, vi } from 'vitest';
import { type DirectSubscription, subscribeDirect } from '../test/helpers/direct-subscription.ts';
import { nextEvent } from '../test/helpers/subscription-events.ts';
import { backoffDelay } from './backoff.ts';

// Issue #12, item 12: when an instance died, every client reconnected after exactly the server's
// `retry:` (100 clients within 250 ms). Only a planned drain (the server ends the stream in good
// order, having spread the `retry:` values itself) may be followed by exactly the server's delay.

/** A deterministic generator of numbers in [0, 1) (mulberry32), so the statistics below are reproducible. */
function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

describe('the first reconnect after an unplanned drop', () => {
  test('is spread uniformly over [0, retry) (full jitter), for many seeds', () => {
    for (const seed of [1, 2, 3, 42, 2024]) {
      const random = seeded(seed);
      const delays = Array.from({ length: 2000 }, () =>
        backoffDelay({ attempt: 0, initialDelayMs: 1000, maxDelayMs: 30_000, serverRetryMs: 2000, random }),
      );
      expect(Math.min(...delays)).toBeGreaterThanOrEqual(0);
      expect(Math.max(...delays)).toBeLessThan(2000);
      const buckets = Array.from({ length: 10 }, () => 0);
      for (const delay of delays) buckets[Math.floor(delay / 200)]! += 1;
      // 200 expected in each tenth (standard deviation about 13).
      for (const count of buckets) expect(count).toBeGreaterThan(140);
      expect(new Set(delays).size).toBeGreaterThan(1990);
    }
  });

  test('after a clean end (a planned drain) it waits the server’s retry: exactly', () => {
    const random = seeded(7);
    for (let i = 0; i < 100; i++) {
      expect(
        backoffDelay({
          attempt: 0,
          initialDelayMs: 1000,
          maxDelayMs: 30_000,
          serverRetryMs: 2000,
          clean: true,
          random,
        }),
      ).toBe(2000);
    }
  });
});

const CLIENTS = 30;
const RETRY_MS = 60_000;

async function openAll(url: string, transport: 'fetch' | 'eventsource', emit: () => Promise<unknown>) {
  const subs: DirectSubscription[] = Array.from({ length: CLIENTS }, () =>
    subscribeDirect(url, {
      transport,
      // The EventSource API hides retry:, so the eventsource transport's base is initialDelayMs.
      reconnect: {
        initialDelayMs: RETRY_MS,
        maxDelayMs: 2 * RETRY_MS,
        maxAttempts: Number.POSITIVE_INFINITY,
      },
    }),
  );
  await Promise.all(subs.map(({ subscription }) => nextEvent(subscription, 'open')));
  // An event after the retry: frame: once every client has it, every client has read retry: too.
  const delivered = Promise.all(subs.map(({ subscription }) => nextEvent(subscription, 'notice')));
  await emit();
  await delivered;
  return subs;
}

/** Resolves once every subscription has scheduled exactly one reconnect (polled: scheduling dispatches no event). */
async function everyReconnectScheduled(subs: readonly DirectSubscription[]): Promise<void> {
  await vi.waitFor(() => expect(subs.map(({ delays }) => delays.length)).toEqual(subs.map(() => 1)), {
    timeout: 10_000,
    interval: 10,
  });
}

describe.each(['fetch', 'eventsource'] as const)('a herd of subscriptions (%s transport)', (transport) => {
  test('after the server’s sockets are destroyed, the reconnect delays spread over [0, retry)', async () => {
    await using server = await serverResource(createHub(market, { retryMs: RETRY_MS }));
    const subs = await openAll(server.url, transport, () =>
      server.hub.streams.announcements.emit('notice', { text: 'hello' }),
    );
    try {
      server.destroySockets();
      await everyReconnectScheduled(subs);
      const delays = subs.map(({ delays }) => delays[0]!);
      for (const delay of delays) {
        expect(delay).toBeGreaterThanOrEqual(0);
        expect(delay).toBeLessThan(RETRY_MS);
      }
      // 30 uniform draws spanning less than half the range: probability below 1e-7.
      expect(Math.max(...delays) - Math.min(...delays)).toBeGreaterThan(RETRY_MS / 2);
      expect(new Set(delays).size).toBe(CLIENTS);
    } finally {
      for (const { subscription } of subs) subscription.close();
    }
  });
});

test('after a planned drain (fetch transport), each client waits the retry: the server chose for it', async () => {
  await using server = await serverResource(createHub(market, { retryMs: RETRY_MS, drainWindowMs: 5000 }));
  const subs = await openAll(server.url, 'fetch', () =>
    server.hub.streams.announcements.emit('notice', { text: 'hello' }),
  );
  try {
    await server.hub.drain();
    await everyReconnectScheduled(subs);
    const delays = subs.map(({ delays }) => delays[0]!);
    for (const delay of delays) {
      expect(delay).toBeGreaterThanOrEqual(RETRY_MS);
      expect(delay).toBeLessThanOrEqual(RETRY_MS + 5000);
    }
    expect(new Set(delays).size).toBeGreaterThan(1);
  } finally {
    for (const { subscription } of subs) subscription.close();
  }
});
