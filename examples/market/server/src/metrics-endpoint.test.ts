import { parsePrometheus } from '@tidings/test-kit/metrics';
import { openSse } from '@tidings/test-kit/sse';
import { expect, test, vi } from 'vitest';
import { startMarketServer } from './market-server.ts';

test('the demo serves /metrics: a page’s connection and the feed’s quotes show up in a Prometheus scrape', async () => {
  await using server = await startMarketServer({ port: 0, feed: { intervalMs: 20, seed: 7, haltChance: 0 } });
  await using stream = await openSse(`${server.url}/streams/ticker/ACME`, {}, { retain: false });
  await stream.until(3);

  const scrape = async () => {
    const response = await fetch(`${server.url}/metrics`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
    return parsePrometheus(await response.text());
  };
  const first = await scrape();
  expect(first.value('tidings_connections', { stream: 'ticker' })).toBe(1);
  expect(first.value('tidings_subscriptions', { stream: 'ticker' })).toBe(1);
  expect(first.value('tidings_events_emitted_total', { stream: 'ticker', event: 'quote' })).toBeGreaterThan(
    0,
  );
  expect(first.value('tidings_frames_written_total', { stream: 'ticker' })).toBeGreaterThanOrEqual(3);

  // Counters only grow: a later scrape sees more quotes emitted and written.
  const emitted = first.value('tidings_events_emitted_total', { stream: 'ticker', event: 'quote' })!;
  await vi.waitFor(
    async () =>
      expect(
        (await scrape()).value('tidings_events_emitted_total', { stream: 'ticker', event: 'quote' }),
      ).toBeGreaterThan(emitted),
    { timeout: 10_000, interval: 20 },
  );
  expect(
    (await scrape()).value('tidings_delivery_duration_seconds_count', { stream: 'ticker' }),
  ).toBeGreaterThan(0);
});
