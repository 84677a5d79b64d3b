import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { type BrowserContext, chromium, type Page } from 'playwright-core';
import { describe, expect, test } from 'vitest';
import type { PageState } from './browser/page.ts';
import { marketDescriptor } from './fixtures/market-client.ts';
import { market } from './fixtures/market-contract.ts';
import { hubServer } from './helpers/hub-server.ts';

const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

async function bundlePage(): Promise<string> {
  const result = await build({
    entryPoints: [fileURLToPath(new URL('./browser/page.ts', import.meta.url))],
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    write: false,
    logLevel: 'silent',
  });
  return result.outputFiles[0]!.text;
}

/** Headless Chromium with a fresh profile directory; disposing it closes the browser and deletes the profile. */
async function browserResource(): Promise<{ context: BrowserContext } & AsyncDisposable> {
  const profile = await mkdtemp(join(tmpdir(), 'tidings-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium',
    headless: true,
    args: CHROMIUM_ARGS,
  });
  return {
    context,
    async [Symbol.asyncDispose]() {
      await context.close();
      await rm(profile, { recursive: true, force: true });
    },
  };
}

const readState = (page: Page) =>
  page.evaluate(() => (globalThis as unknown as { tidings: PageState }).tidings);

describe('in headless Chromium', () => {
  test.each(['fetch', 'eventsource'])(
    'the %s transport delivers typed events from a real server and resumes after a dropped connection',
    async (transport) => {
      const script = await bundlePage();
      const fingerprints: unknown[] = [];
      const html = '<!doctype html><title>tidings</title><script type="module" src="/page.js"></script>';
      await using server = await hubServer(
        market,
        { retryMs: 50, drainWindowMs: 50 },
        {
          routes: (app) => {
            app.addHook('onRequest', async (request) => {
              const query = request.query as { contract?: unknown };
              if (request.url.startsWith('/streams/')) {
                fingerprints.push(request.headers['x-tidings-contract'] ?? query.contract);
              }
            });
            app.get('/', (_req, reply) => reply.type('text/html').send(html));
            app.get('/page.js', (_req, reply) => reply.type('text/javascript').send(script));
          },
        },
      );
      await using browser = await browserResource();
      const page = await browser.context.newPage();
      const origin = server.url.replace(/\/streams$/, '');
      await page.goto(`${origin}/?transport=${transport}`);
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
