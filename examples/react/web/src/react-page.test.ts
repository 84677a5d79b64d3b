import { fileURLToPath } from 'node:url';
import type { Market } from '@acme/market-contract';
import { createMarketSimulator, type FeedEvent, MARKET_SYMBOLS } from '@acme/market-server';
import type { Hub } from '@tidings/server';
import { chromiumResource } from '@tidings/test-kit/chromium';
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, test } from 'vitest';
import { bundleReactExample, type ReactExampleAssets } from './bundle.ts';
import { formatPrice } from './format.ts';
import { DEFAULT_SYMBOLS, startReactExample } from './server.ts';

/** The README's picture, rewritten by every run from the same seeded events (so it only changes with the page). */
const SCREENSHOT = fileURLToPath(new URL('../../screenshot.png', import.meta.url));
const WAIT = { timeout: 20_000 };
/** A fixed clock, so the seeded simulator gives the same events (timestamps included) on every run. */
const START = Date.UTC(2026, 0, 5, 14, 30, 0);

function emit(hub: Hub<Market>, e: FeedEvent): Promise<string> | undefined {
  if (e.stream === 'announcements') return hub.streams.announcements.emit('notice', e.data);
  if (e.stream === 'book') return undefined;
  switch (e.event) {
    case 'quote':
      return hub.streams.ticker.emit({ symbol: e.symbol }, 'quote', e.data);
    case 'trade':
      return hub.streams.ticker.emit({ symbol: e.symbol }, 'trade', e.data);
    case 'halted':
      return hub.streams.ticker.emit({ symbol: e.symbol }, 'halted', e.data);
    case 'resumed':
      return hub.streams.ticker.emit({ symbol: e.symbol }, 'resumed', e.data);
  }
}

/** Emits `ticks` ticks of a seeded market for the default symbols; returns each symbol's last price and the notices. */
async function replayMarket(hub: Hub<Market>, ticks: number) {
  const symbols = Object.fromEntries(DEFAULT_SYMBOLS.map((symbol) => [symbol, MARKET_SYMBOLS[symbol]!]));
  const simulator = createMarketSimulator({ symbols, seed: 7, haltChance: 0.004, noticeChance: 0.15 });
  const last = new Map<string, number>();
  let notices = 0;
  for (let i = 0; i < ticks; i++) {
    for (const e of simulator.tick(START + i * 1000)) {
      await emit(hub, e);
      if (e.stream === 'ticker' && e.event === 'quote') last.set(e.symbol, e.data.price);
      if (e.stream === 'announcements') notices++;
    }
  }
  return { last, notices };
}

async function rowPrice(page: Page, symbol: string): Promise<string | null> {
  return page.locator(`tr[data-symbol="${symbol}"]`).getAttribute('data-price');
}

let assets: ReactExampleAssets;
beforeAll(async () => {
  assets = await bundleReactExample();
}, 60_000);

describe('the React example', () => {
  test('the page bundle holds React, the hooks and the generated client, and no zod or server code', () => {
    expect(assets.modules.some((m) => m.includes('/react-dom/'))).toBe(true);
    expect(assets.modules.some((m) => m.endsWith('packages/react/src/use-stream-store.ts'))).toBe(true);
    expect(assets.modules.some((m) => m.endsWith('src/market.generated.ts'))).toBe(true);
    expect(assets.modules.some((m) => m.includes('/zod/'))).toBe(false);
    expect(assets.modules.some((m) => /market\/(contract|server)\/|packages\/server\//.test(m))).toBe(false);
  });

  test('the server renders the page with every stream `connecting` and opens no stream', async () => {
    await using server = await startReactExample({ feed: false, assets });
    const html = await (await fetch(`${server.url}/?symbols=ACME,NOVA`)).text();
    expect(html).toContain('<tr data-symbol="ACME" data-status="connecting"');
    expect(html).toContain('<tr data-symbol="NOVA" data-status="connecting"');
    expect(html).not.toContain('data-symbol="ORBIT"');
    expect(html).toContain('data-testid="connection-status" data-status="connecting"');
    expect(html).toContain(
      '<script id="market-props" type="application/json">{"symbols":["ACME","NOVA"]}</script>',
    );
    expect(server.hub.stats().connections).toBe(0);
  });

  test('in Chromium the page hydrates, shares one subscription per symbol, renders live events and switches symbols; screenshot', async () => {
    await using server = await startReactExample({ feed: false, assets, hub: { retryMs: 200 } });
    await using chromium = await chromiumResource({
      viewport: { width: 1200, height: 630 },
      colorScheme: 'dark',
    });
    const page = await chromium.newPage();
    const problems: string[] = [];
    page.on('pageerror', (error) => problems.push(error.message));
    page.on('console', (message) => {
      if (message.type() === 'error' || message.type() === 'warning') problems.push(message.text());
    });
    await page.goto(server.url);
    await page.locator('[data-testid="connection-status"][data-status="open"]').waitFor(WAIT);
    await page.waitForFunction(
      (count) => document.querySelectorAll('tr[data-symbol][data-status="open"]').length === count,
      DEFAULT_SYMBOLS.length,
      WAIT,
    );
    // Rows, the selected symbol's panel and the announcements: one subscription per symbol, plus the news.
    expect(server.hub.stats().subscribers).toEqual({
      ticker: DEFAULT_SYMBOLS.length,
      book: 0,
      announcements: 1,
    });

    const { last, notices } = await replayMarket(server.hub, 90);
    for (const symbol of DEFAULT_SYMBOLS) {
      await page.locator(`tr[data-symbol="${symbol}"][data-price="${last.get(symbol)}"]`).waitFor(WAIT);
    }
    await page.locator(`[data-testid="notices"][data-count="${Math.min(5, notices)}"]`).waitFor(WAIT);
    const acme = formatPrice(last.get('ACME')!);
    expect(await page.locator('[data-testid="panel"] .quote strong').textContent()).toBe(acme);
    expect(await page.locator('[data-testid="panel"] .tape tr').count()).toBe(8);

    // Selecting another symbol reads its row's subscription: no new stream, and its history is there.
    await page.locator('tr[data-symbol="NOVA"]').click();
    await page.locator('[data-testid="panel"][data-symbol="NOVA"]').waitFor(WAIT);
    expect(await page.locator('[data-testid="panel"] .quote strong').textContent()).toBe(
      formatPrice(last.get('NOVA')!),
    );
    expect(await page.locator('[data-testid="panel"] .chart polyline').getAttribute('points')).not.toBe('');
    expect(server.hub.stats().subscribers.ticker).toBe(DEFAULT_SYMBOLS.length);
    expect(await rowPrice(page, 'NOVA')).toBe(String(last.get('NOVA')));

    await page.locator('tr[data-symbol="ACME"]').click();
    await page.locator('[data-testid="panel"][data-symbol="ACME"]').waitFor(WAIT);
    await page.screenshot({ path: SCREENSHOT });
    expect(problems).toEqual([]);
  }, 90_000);
});
