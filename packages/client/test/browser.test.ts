import { fileURLToPath } from 'node:url';
import { createHub } from '@tidings/server';
import { bundlePage } from '@tidings/test-kit/bundle';
import { chromiumResource } from '@tidings/test-kit/chromium';
import { market } from '@tidings/test-kit/contract';
import { serverResource } from '@tidings/test-kit/server';
import type { Page } from 'playwright-core';
import { describe, expect, test } from 'vitest';
import type { PageState } from './browser/page.ts';
import { marketDescriptor } from './fixtures/market-client.ts';

const PAGE_ENTRY = fileURLToPath(new URL('./browser/page.ts', import.meta.url));

const readState = (page: Page) =>
  page.evaluate(() => (globalThis as unknown as { tidings: PageState }).tidings);

describe('in headless Chromium', () => {
  test.each(['fetch', 'eventsource'])(
    'the %s transport delivers typed events from a real server and resumes after a dropped connection',
    async (transport) => {
      const script = await bundlePage(PAGE_ENTRY);
      const fingerprints: unknown[] = [];
      const html = '<!doctype html><title>tidings</title><script type="module" src="/page.js"></script>';
      await using server = await serverResource(createHub(market, { retryMs: 50, drainWindowMs: 50 }), {
        before: (app) => {
          app.addHook('onRequest', async (request) => {
            const query = request.query as { contract?: unknown };
            if (request.url.startsWith('/streams/')) {
              fingerprints.push(request.headers['x-tidings-contract'] ?? query.contract);
            }
          });
          app.get('/', (_req, reply) => reply.type('text/html').send(html));
          app.get('/page.js', (_req, reply) => reply.type('text/javascript').send(script));
        },
      });
      await using browser = await chromiumResource();
      const page = await browser.newPage();
      await page.goto(`${server.origin}/?transport=${transport}`);
      await page.waitForFunction(
        () => (globalThis as unknown as { tidings?: PageState }).tidings?.opens === 1,
        null,
        {
          timeout: 15_000,
        },
      );
      const emit = (price: number) =>
        server.hub.streams.ticker.emit({ symbol: 'ACME' }, 'quote', { price, at: '' });
      for (let i = 0; i < 3; i++) await emit(i);
      await page.waitForFunction(
        () => (globalThis as unknown as { tidings: PageState }).tidings.quotes.length === 3,
      );
      server.destroySockets();
      // A browser's EventSource gives no reason when a connection ends, so a drop looks like a clean
      // end (no error event): that transport just reconnects and resumes.
      if (transport === 'fetch') {
        await page.waitForFunction(
          () => (globalThis as unknown as { tidings: PageState }).tidings.errors.length > 0,
        );
      }
      for (let i = 3; i < 6; i++) await emit(i);
      await page.waitForFunction(
        () => (globalThis as unknown as { tidings: PageState }).tidings.quotes.length >= 6,
        null,
        {
          timeout: 15_000,
        },
      );
      const state = await readState(page);
      expect(state.transport).toBe(transport);
      expect(state.quotes.map((q) => q.price)).toEqual([0, 1, 2, 3, 4, 5]);
      expect(new Set(state.quotes.map((q) => q.id)).size).toBe(6);
      expect(state.opens).toBe(2);
      expect(fingerprints.length).toBeGreaterThanOrEqual(2);
      expect(new Set(fingerprints)).toEqual(new Set([marketDescriptor.fingerprint]));
    },
    60_000,
  );
});
