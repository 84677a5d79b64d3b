import { setTimeout as elapse } from 'node:timers/promises';
import { absenceWindow } from '@tidings/test-kit/wait';
import { EventSource } from 'eventsource';
import { describe, expect, test, vi } from 'vitest';
import { createMarketClient } from '../test/fixtures/market-client.ts';
import { subscribeDirect } from '../test/helpers/direct-subscription.ts';
import { frame, openStream, rawServer } from '../test/helpers/raw-server.ts';
import { nextEvent } from '../test/helpers/subscription-events.ts';

// Issue #12, item 11: a server that answers 200 and ends the stream at once made the client reconnect
// after exactly its `retry:` (0 here: hundreds of requests a second), forever, and the app saw nothing.

const ENDS_AT_ONCE = 'retry: 0\n\n';

describe.each(['fetch', 'eventsource'] as const)('a stream that ends at once (%s transport)', (transport) => {
  const options = transport === 'fetch' ? {} : ({ transport: 'eventsource', EventSource } as const);

  test('the app sees an error event, and the requests slow down', async () => {
    await using server = await rawServer((_req, res) => {
      openStream(res);
      res.end(ENDS_AT_ONCE);
    });
    using client = createMarketClient({
      multiplex: false,
      ...options,
      baseUrl: server.url,
      reconnect: { initialDelayMs: 20, maxDelayMs: 60_000 },
    });
    using sub = client.announcements.subscribe();
    const { error, fatal } = await nextEvent(sub, 'error');
    expect(fatal).toBe(false);
    expect(error.code).toBe('TRANSPORT_ERROR');
    expect(error.message).toMatch(
      /^@tidings\/client: stream "announcements": the server ended the stream 2 times in a row without an event; backing off\./,
    );
    // The ceiling doubles from 40 ms: a dozen more requests in half a second would take a run of
    // near-zero draws from the full jitter (a hot loop made about 150).
    const before = server.requests.length;
    // A rate over a window: only time can show that the loop is not hot.
    await absenceWindow(500);
    expect(server.requests.length - before).toBeLessThan(12);
  });

  test('the backoff grows across connections that deliver nothing, and maxAttempts gives up', async () => {
    await using server = await rawServer((_req, res) => {
      openStream(res);
      res.end(ENDS_AT_ONCE);
    });
    const { subscription, delays } = subscribeDirect(server.url, {
      transport,
      random: () => 0.5,
      reconnect: { initialDelayMs: 20, maxDelayMs: 100_000, maxAttempts: 6 },
    });
    const { error } = await nextEvent(subscription, 'close');
    expect(error?.message).toMatch(/ended the stream 7 times in a row without an event/);
    // fetch: the first reconnect after a clean end waits the server's retry: (0); then half of a
    // ceiling that doubles from 2 × initialDelayMs, as retry: 0 gives no base to grow from. An
    // EventSource does not expose retry: nor whether the end was clean, so it jitters from initialDelayMs.
    expect(delays).toEqual(transport === 'fetch' ? [0, 20, 40, 80, 160, 320] : [10, 20, 40, 80, 160, 320]);
    expect(server.requests).toHaveLength(7);
  });
});

test('an event resets the backoff; a position frame, a heartbeat or a retry: frame does not', async () => {
  await using server = await rawServer((_req, res, index) => {
    openStream(res);
    res.write(`${ENDS_AT_ONCE}id: 1-${index}\ndata:\n\n: heartbeat\n\n`);
    if (index === 3) res.write(frame(`2-${index}`, 'notice', { text: 'something' }));
    res.end();
  });
  const { subscription, delays } = subscribeDirect(server.url, {
    random: () => 0.5,
    reconnect: { initialDelayMs: 20, maxDelayMs: 100_000, maxAttempts: Number.POSITIVE_INFINITY },
  });
  using _ = subscription;
  await server.requestCount(7);
  expect(delays.slice(0, 6)).toEqual([0, 20, 40, 0, 20, 40]);
});

test('a connection that stayed open for maxDelayMs resets the backoff, though it delivered nothing', async () => {
  let release: () => void = () => {};
  await using server = await rawServer((_req, res, index) => {
    openStream(res);
    res.write(ENDS_AT_ONCE);
    if (index === 1) release = () => res.end();
    else res.end();
  });
  const { subscription, delays } = subscribeDirect(server.url, {
    random: () => 0.5,
    reconnect: { initialDelayMs: 20, maxDelayMs: 300, maxAttempts: Number.POSITIVE_INFINITY },
  });
  using _ = subscription;
  await server.requestCount(2);
  await vi.waitFor(() => expect(subscription.status).toBe('open'), { timeout: 10_000, interval: 10 });
  // Time is the input here: the second connection stays open past maxDelayMs (a slower run only adds to it).
  await elapse(400);
  release();
  await server.requestCount(4);
  expect(delays.slice(0, 3)).toEqual([0, 0, 20]);
});
