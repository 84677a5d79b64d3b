import { fileURLToPath } from 'node:url';
import cors from '@fastify/cors';
import { createHub } from '@tidings/server';
import { bundlePage } from '@tidings/test-kit/bundle';
import { chromiumResource } from '@tidings/test-kit/chromium';
import { market } from '@tidings/test-kit/contract';
import { serverResource } from '@tidings/test-kit/server';
import Fastify from 'fastify';
import type { Page } from 'playwright-core';
import { describe, expect, test } from 'vitest';
import type { CrossOriginState } from './browser/cross-origin-page.ts';

// Cross-origin, the client could not read `x-tidings-heartbeat` (no Access-Control-Expose-Headers):
// its watchdog was silently off, and `retry-after` was hidden too. Cookies were untested.

const PAGE_ENTRY = fileURLToPath(new URL('./browser/cross-origin-page.ts', import.meta.url));

/** Origin A: only the page and its script. */
async function pageServer(script: string) {
  const app = Fastify();
  app.get('/', (_request, reply) =>
    reply.type('text/html').send('<!doctype html><script type="module" src="/page.js"></script>'),
  );
  app.get('/page.js', (_request, reply) => reply.type('text/javascript').send(script));
  const origin = await app.listen({ port: 0, host: '127.0.0.1' });
  return { origin, [Symbol.asyncDispose]: () => app.close() };
}

const state = (page: Page) =>
  page.evaluate(() => (globalThis as unknown as { crossOrigin: CrossOriginState }).crossOrigin);

describe('a page on one origin, streams on another, with @fastify/cors (issue 12)', () => {
  test.each([
    ['fetch', 'a bearer token in a header (preflighted)', 'header'],
    ['eventsource', 'a cookie (withCredentials)', 'cookie'],
  ] as const)(
    'the %s transport authenticates with %s, and the client reads the headers it needs',
    async (transport, _how, credential) => {
      const script = await bundlePage(PAGE_ENTRY);
      await using page = await pageServer(script);
      const used: string[] = [];
      const hub = createHub(market, {
        retryMs: 1_000,
        authorize: ({ request }) => {
          if (request.headers.authorization === 'Bearer token-ok') used.push('header');
          else if (/(?:^|;\s*)session=cookie-ok(?:;|$)/.test(request.headers.cookie ?? ''))
            used.push('cookie');
          else return false;
          return true;
        },
      });
      await using streams = await serverResource(hub, {
        before: async (app) => {
          await app.register(cors, { origin: page.origin, credentials: true });
          // The stream origin's login: it sets the session cookie the eventsource transport sends.
          app.get('/login', (_request, reply) =>
            reply
              .header('set-cookie', 'session=cookie-ok; Path=/; SameSite=Lax; HttpOnly')
              .send({ ok: true }),
          );
        },
      });
      expect(new URL(streams.origin).port).not.toBe(new URL(page.origin).port);

      await using browser = await chromiumResource();
      const tab = await browser.newPage();
      await tab.goto(`${page.origin}/?transport=${transport}&streams=${encodeURIComponent(streams.url)}`);
      await tab.waitForFunction(
        () => (globalThis as unknown as { crossOrigin?: CrossOriginState }).crossOrigin?.opens === 1,
        null,
        { timeout: 15_000 },
      );
      for (let price = 1; price <= 3; price++)
        await hub.streams.ticker.emit({ symbol: 'ACME' }, 'quote', { price, at: '' });
      await tab.waitForFunction(
        () => (globalThis as unknown as { crossOrigin: CrossOriginState }).crossOrigin.quotes.length === 3,
        null,
        { timeout: 15_000 },
      );
      expect((await state(tab)).quotes).toEqual([1, 2, 3]);
      expect(used[0]).toBe(credential);

      // What the client's watchdog reads on a stream, and its backoff on a 503, cross-origin.
      await tab.evaluate(() =>
        (globalThis as unknown as { readHeaders(path: string): Promise<void> }).readHeaders('/ticker/ACME'),
      );
      expect((await state(tab)).readable).toEqual({ heartbeat: '15000', retryAfter: null });
      await hub.drain();
      await tab.evaluate(() =>
        (globalThis as unknown as { readHeaders(path: string): Promise<void> }).readHeaders('/ticker/ACME'),
      );
      expect((await state(tab)).readable).toEqual({ heartbeat: null, retryAfter: '1' });
    },
    60_000,
  );
});
