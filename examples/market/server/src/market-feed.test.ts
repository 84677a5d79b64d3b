import { type Market, market } from '@acme/market-contract';
import { topicKey } from '@tidings/contract';
import { createHub, type Hub, type StoredEvent } from '@tidings/server';
import { collector } from '@tidings/test-kit/collector';
import { expect, test } from 'vitest';
import { createMarketFeed } from './market-feed.ts';

const ACME = { key: topicKey('ticker', { symbol: 'ACME' }), history: market.streams.ticker.history };

/** Resolves with the next `count` quotes the broker delivers for ACME. */
async function nextQuotes(hub: Hub<Market>, count: number) {
  const quotes = collector<{ id: string; price: number }>();
  const unsubscribe = await hub.broker.subscribe(ACME, (event: StoredEvent) => {
    if (event.name !== 'quote') return;
    quotes.push({ id: event.id, price: (JSON.parse(event.data) as { price: number }).price });
  });
  try {
    return (await quotes.until(count)).slice(0, count);
  } finally {
    unsubscribe();
  }
}

test('the feed emits valid events through the hub, and a new feed continues from the last quote', async () => {
  await using hub = createHub(market);
  {
    using feed = createMarketFeed(hub, { intervalMs: 5, seed: 1, haltChance: 0 });
    const pending = nextQuotes(hub, 5);
    feed.start();
    expect(feed.running).toBe(true);
    await pending;
  }
  const { events } = await hub.broker.replay(ACME, '0-0');
  const last = JSON.parse(events.findLast((e) => e.name === 'quote')!.data) as {
    price: number;
    change: number;
  };

  // A second feed (another seed, and an opening price far away) picks up the stored price instead.
  using feed = createMarketFeed(hub, { intervalMs: 5, seed: 2, haltChance: 0, symbols: { ACME: 10_000 } });
  const pending = nextQuotes(hub, 1);
  feed.start();
  const [first] = await pending;
  expect(Math.abs(first!.price - last.price) / last.price).toBeLessThan(0.05);
  expect(hub.stats().eventsEmitted).toBeGreaterThan(5);
});
