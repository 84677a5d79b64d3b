import { mkdir } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundleMarketWeb } from '@acme/market-web';
import { compareEventIds } from '@tidings/contract';
import { memoryBroker } from '@tidings/server';
import { chromiumResource } from '@tidings/test-kit/chromium';
import type { Page } from 'playwright-core';
import { beforeAll, expect, test } from 'vitest';
import { type MarketServer, type MarketServerOptions, startMarketServer } from './market-server.ts';

const here = dirname(fileURLToPath(import.meta.url));
const repoRoot = resolve(here, '../../../..');
const WAIT = { timeout: 20_000 };
// Quick reconnects and a lively feed keep the test short; no halts, so every symbol keeps quoting.
const HUB = { retryMs: 200, drainWindowMs: 200 };
const FEED = { intervalMs: 100, haltChance: 0, noticeChance: 0.08 };

/** The server under test, which the test stops and starts again on the same port. */
function restartable(server: MarketServer) {
  let current = server;
  return {
    get current() {
      return current;
    },
    async restart(options: MarketServerOptions) {
      await current.close();
      current = await startMarketServer({ ...options, port: current.port, assets: current.assets });
      return current;
    },
    async [Symbol.asyncDispose]() {
      await current.close();
    },
  };
}

interface RowState {
  quotes: number;
  lastId: string;
  outOfOrder: number;
}

function row(page: Page, symbol: string): Promise<RowState> {
  return page.$eval(`tr[data-symbol="${symbol}"]`, (tr) => {
    const data = (tr as HTMLElement).dataset;
    return {
      quotes: Number(data['quotes']),
      lastId: data['lastId'] ?? '',
      outOfOrder: Number(data['outOfOrder'] ?? 0),
    };
  });
}

async function waitForQuotes(page: Page, symbol: string, atLeast: number): Promise<void> {
  await page.waitForFunction(
    ([s, n]) =>
      Number(document.querySelector<HTMLElement>(`tr[data-symbol="${s}"]`)?.dataset['quotes'] ?? 0) >= n,
    [symbol, atLeast] as const,
    WAIT,
  );
}

async function waitForStatus(page: Page, expected: 'open' | 'not open'): Promise<void> {
  await page.waitForFunction(
    (want) => {
      const status = document.querySelector<HTMLElement>('[data-testid="connection-status"]')?.dataset[
        'status'
      ];
      return want === 'open' ? status === 'open' : status !== 'open';
    },
    expected,
    WAIT,
  );
}

let assets: Awaited<ReturnType<typeof bundleMarketWeb>>;
beforeAll(async () => {
  assets = await bundleMarketWeb();
  await mkdir(join(repoRoot, 'test-artifacts'), { recursive: true });
});

test('the page shows live quotes for two symbols, resumes after a server restart, and shows a gap', async () => {
  const broker = memoryBroker();
  await using _broker = { [Symbol.asyncDispose]: () => broker.close() };
  await using server = restartable(await startMarketServer({ broker, assets, hub: HUB, feed: FEED }));
  await using chromium = await chromiumResource({
    viewport: { width: 1280, height: 800 },
    colorScheme: 'dark',
  });
  const page = await chromium.newPage();
  const pageErrors: string[] = [];
  page.on('pageerror', (error) => pageErrors.push(error.message));

  await page.goto(`${server.current.url}/?symbols=ACME,NOVA`);
  await waitForQuotes(page, 'ACME', 3);
  await waitForQuotes(page, 'NOVA', 3);
  await waitForStatus(page, 'open');
  expect(await page.locator('tr[data-symbol="ACME"] .price').textContent()).toMatch(/^\d[\d,]*\.\d\d$/);

  // Stop the server mid-stream: the page notices, then resumes from its last event id on the same broker.
  await server.current.close();
  await waitForStatus(page, 'not open');
  const acme = await row(page, 'ACME');
  const nova = await row(page, 'NOVA');
  await server.restart({ broker, hub: HUB, feed: FEED });
  await waitForQuotes(page, 'ACME', acme.quotes + 3);
  await waitForQuotes(page, 'NOVA', nova.quotes + 3);
  await waitForStatus(page, 'open');
  const resumed = await row(page, 'ACME');
  expect(compareEventIds(resumed.lastId, acme.lastId)).toBe(1);
  expect(resumed.outOfOrder).toBe(0);
  expect((await row(page, 'NOVA')).outOfOrder).toBe(0);
  expect(await page.locator('[data-testid="gap-notice"]').isHidden()).toBe(true);

  await page.locator('#notices li').first().waitFor(WAIT);
  await page.screenshot({ path: join(repoRoot, 'test-artifacts/market.png') });

  // Restart on a fresh broker (the demo's default): history is gone, so the page must say it missed events.
  const before = await row(page, 'ACME');
  await server.restart({ hub: HUB, feed: FEED });
  const notice = page.locator('[data-testid="gap-notice"]');
  await notice.waitFor({ state: 'visible', ...WAIT });
  expect(await notice.textContent()).toMatch(/Missed events on (ACME|NOVA|announcements)/);
  await waitForQuotes(page, 'ACME', before.quotes + 3);
  await waitForStatus(page, 'open');
  expect(pageErrors).toEqual([]);
}, 60_000);

test('the watchlist holds 12 symbols and the chart over one stream connection', async () => {
  await using server = await startMarketServer({ assets, hub: HUB, feed: FEED });
  await using chromium = await chromiumResource({ viewport: { width: 1280, height: 1000 } });
  const page = await chromium.newPage();
  const pageErrors: string[] = [];
  page.on('pageerror', (error) => pageErrors.push(error.message));
  await page.goto(`${server.url}/?symbols=ACME`);
  await waitForQuotes(page, 'ACME', 1);
  const added = [
    'NOVA',
    'ORBIT',
    'QUILL',
    'ZEPHR',
    'HALO',
    'ALPHA',
    'BETA',
    'GAMMA',
    'DELTA',
    'OMEGA',
    'SIGMA',
  ];
  for (const symbol of added) {
    await page.fill('#symbol-input', symbol);
    await page.press('#symbol-input', 'Enter');
  }
  expect(await page.locator('#quotes-body tr').count()).toBe(12);
  // Every simulated symbol quotes; the chart follows the last one added that quotes.
  for (const symbol of ['ACME', 'NOVA', 'ORBIT', 'QUILL', 'ZEPHR', 'HALO'])
    await waitForQuotes(page, symbol, 2);
  await page.click('tr[data-symbol="HALO"]');
  await page.waitForFunction(
    () => document.querySelector('#chart-title')?.textContent === 'HALO',
    null,
    WAIT,
  );
  // Twelve tickers and the announcements: thirteen subscriptions, one connection.
  await expect
    .poll(() => server.hub.stats(), { timeout: 20_000, interval: 50 })
    .toMatchObject({ connections: 1, subscriptions: 13, subscribers: { ticker: 12, announcements: 1 } });
  expect(pageErrors).toEqual([]);
}, 60_000);
