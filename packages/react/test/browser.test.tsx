import { fileURLToPath } from 'node:url';
import { createClient } from '@tidings/client';
import { createHub, memoryBroker } from '@tidings/server';
import { bundlePage } from '@tidings/test-kit/bundle';
import { type ChromiumResource, chromiumResource } from '@tidings/test-kit/chromium';
import { market } from '@tidings/test-kit/contract';
import { type ServerResource, type ServerResourceOptions, serverResource } from '@tidings/test-kit/server';
import type { Page } from 'playwright-core';
import { renderToString } from 'react-dom/server';
import { beforeAll, describe, expect, test, vi } from 'vitest';
import { App } from './browser/app.tsx';
import type { Harness } from './browser/page.tsx';

type MarketHub = ReturnType<typeof createHub<typeof market>>;

const PAGE_ENTRY = fileURLToPath(new URL('./browser/page.tsx', import.meta.url));
const WAIT = { timeout: 15_000 };
const POLL = { timeout: 15_000, interval: 20 };
const acme = { symbol: 'ACME' };

let script = '';
beforeAll(async () => {
  script = await bundlePage(PAGE_ENTRY);
}, 60_000);

/**
 * Serves the page (`body` in its root element) and the hub, and records the requests for streams. The
 * assertions hold whether the client gives each subscription its own connection or multiplexes them.
 */
async function serve(hub: MarketHub, options: ServerResourceOptions & { body?: string } = {}) {
  const html = `<!doctype html><title>tidings react</title><div id="root">${options.body ?? ''}</div><script type="module" src="/page.js"></script>`;
  const streamRequests: string[] = [];
  const server = await serverResource(hub, {
    ...options,
    before: (app) => {
      app.addHook('onRequest', async (request) => {
        if (request.url.startsWith('/streams/')) streamRequests.push(request.url);
      });
      app.get('/', (_request, reply) => reply.type('text/html').send(html));
      app.get('/page.js', (_request, reply) => reply.type('text/javascript').send(script));
    },
  });
  return Object.assign(server, { streamRequests });
}

const harness = (page: Page) =>
  page.evaluate(() => {
    const { statuses, onEvent, subscribeCalls, recoverableErrors } = (
      globalThis as unknown as { harness: Harness }
    ).harness;
    return { statuses, onEvent, subscribeCalls, recoverableErrors };
  });

async function waitForStatus(page: Page, status: string): Promise<void> {
  await page.locator(`[data-testid="status"][data-status="${status}"]`).waitFor(WAIT);
}

async function tape(page: Page): Promise<string[]> {
  return page.locator('[data-testid="tape"] li').allTextContents();
}

async function waitForTape(page: Page, count: number): Promise<string[]> {
  await page.locator(`[data-testid="tape"][data-count="${count}"]`).waitFor(WAIT);
  return tape(page);
}

async function openPage(
  browser: ChromiumResource,
  server: ServerResource<MarketHub>,
  query = '',
): Promise<Page> {
  const page = await browser.newPage();
  await page.goto(`${server.origin}/${query}`);
  return page;
}

describe('@tidings/react in headless Chromium (React 19, a generated client, a real hub)', () => {
  test('events arrive and render; the three hooks of one stream and params share one connection', async () => {
    await using server = await serve(createHub(market, { retryMs: 50, drainWindowMs: 50 }));
    await using browser = await chromiumResource();
    const page = await openPage(browser, server);
    await waitForStatus(page, 'open');
    expect(await page.getByTestId('price').textContent()).toBe('no quote yet');
    const emit = server.hub.streams.ticker.emit;
    const ids = [
      await emit(acme, 'quote', { price: 10.5 }),
      await emit(acme, 'halted', { reason: 'news pending' }),
      await emit(acme, 'quote', { price: 11.25 }),
    ];
    expect(await waitForTape(page, 3)).toEqual(['quote 10.5', 'halted news pending', 'quote 11.25']);
    expect(await page.getByTestId('price').textContent()).toBe('11.25');
    const state = await harness(page);
    expect(state.onEvent).toEqual([`quote:${ids[0]}`, `halted:${ids[1]}`, `quote:${ids[2]}`]);
    expect(state.subscribeCalls).toBe(1);
    expect(server.streamRequests).toHaveLength(1);
    expect(server.hub.stats().connections).toBe(1);
    // The disabled hooks on the announcements stream hold nothing and say so.
    expect(await page.getByTestId('notices').getAttribute('data-status')).toBe('idle');
    expect(server.hub.stats().subscribers.announcements).toBe(0);
  }, 60_000);

  test('a new params object with equal values keeps the subscription; new values resubscribe and the old one closes', async () => {
    await using server = await serve(createHub(market, { retryMs: 50, drainWindowMs: 50 }));
    await using browser = await chromiumResource();
    const page = await openPage(browser, server);
    await waitForStatus(page, 'open');
    for (let tick = 1; tick <= 3; tick++) {
      await page.evaluate(() => (globalThis as unknown as { harness: Harness }).harness.rerender());
      await page.waitForFunction(
        (n) => (globalThis as unknown as { harness: Harness }).harness.committedTick === n,
        tick,
        WAIT,
      );
    }
    expect((await harness(page)).subscribeCalls).toBe(1);
    expect(server.streamRequests).toHaveLength(1);

    await server.hub.streams.ticker.emit(acme, 'quote', { price: 1 });
    await waitForTape(page, 1);
    await page.evaluate(() => (globalThis as unknown as { harness: Harness }).harness.setSymbol('NOVA'));
    await page.getByText('NOVA: open').waitFor(WAIT);
    await vi.waitFor(() => expect(server.hub.streams.ticker.subscriberCount(acme)).toBe(0), POLL);
    expect(server.hub.streams.ticker.subscriberCount({ symbol: 'NOVA' })).toBe(1);
    expect(server.hub.stats().connections).toBe(1);
    // The new subscription starts empty: the tape and the latest quote are NOVA's.
    expect(await tape(page)).toEqual([]);
    expect(await page.getByTestId('price').textContent()).toBe('no quote yet');
    await server.hub.streams.ticker.emit({ symbol: 'NOVA' }, 'quote', { price: 7 });
    expect(await waitForTape(page, 1)).toEqual(['quote 7']);
    expect(await page.getByTestId('price').textContent()).toBe('7.00');
    expect((await harness(page)).subscribeCalls).toBe(2);
  }, 60_000);

  test('unmount closes the connection (the server sees it); a remount opens a new one', async () => {
    await using server = await serve(createHub(market, { retryMs: 50, drainWindowMs: 50 }));
    await using browser = await chromiumResource();
    const page = await openPage(browser, server);
    await waitForStatus(page, 'open');
    expect(server.hub.stats().connections).toBe(1);
    await page.evaluate(() => (globalThis as unknown as { harness: Harness }).harness.setMounted(false));
    await page.getByTestId('unmounted').waitFor(WAIT);
    await vi.waitFor(() => expect(server.hub.stats().connections).toBe(0), POLL);
    expect(server.hub.streams.ticker.subscriberCount(acme)).toBe(0);

    await page.evaluate(() => (globalThis as unknown as { harness: Harness }).harness.setMounted(true));
    await waitForStatus(page, 'open');
    expect(server.hub.stats().connections).toBe(1);
    expect(server.streamRequests).toHaveLength(2);
  }, 60_000);

  test("StrictMode's double mount opens one connection, and onEvent runs once per event", async () => {
    await using server = await serve(createHub(market, { retryMs: 50, drainWindowMs: 50 }));
    await using browser = await chromiumResource();
    const page = await openPage(browser, server, '?strict');
    await waitForStatus(page, 'open');
    const id = await server.hub.streams.ticker.emit(acme, 'quote', { price: 3 });
    await waitForTape(page, 1);
    const state = await harness(page);
    expect(state.subscribeCalls).toBe(1);
    expect(state.onEvent).toEqual([`quote:${id}`]);
    expect(server.streamRequests).toHaveLength(1);
    expect(server.hub.stats().connections).toBe(1);

    // StrictMode again on a params change: one new connection, and the old one closes.
    await page.evaluate(() => (globalThis as unknown as { harness: Harness }).harness.setSymbol('ORBIT'));
    await page.getByText('ORBIT: open').waitFor(WAIT);
    await vi.waitFor(() => expect(server.hub.streams.ticker.subscriberCount(acme)).toBe(0), POLL);
    expect(server.hub.streams.ticker.subscriberCount({ symbol: 'ORBIT' })).toBe(1);
    expect(server.hub.stats().connections).toBe(1);
    expect((await harness(page)).subscribeCalls).toBe(2);
  }, 60_000);

  test('a server restart shows `connecting`, then `open` again, with no event lost', async () => {
    const broker = memoryBroker();
    const hubOptions = { broker, retryMs: 50, drainWindowMs: 50 };
    await using first = await serve(createHub(market, hubOptions));
    await using browser = await chromiumResource();
    const page = await openPage(browser, first);
    await waitForStatus(page, 'open');
    const emitFirst = first.hub.streams.ticker.emit;
    for (const price of [1, 2, 3]) await emitFirst(acme, 'quote', { price });
    await waitForTape(page, 3);

    await first[Symbol.asyncDispose]();
    await waitForStatus(page, 'connecting');
    // Published while no server listens: the page can only get them by resuming from its last id.
    const second = createHub(market, hubOptions);
    for (const price of [4, 5, 6]) await second.streams.ticker.emit(acme, 'quote', { price });
    await using restarted = await serve(second, { port: first.port, broker });

    await waitForStatus(page, 'open');
    expect(await waitForTape(page, 6)).toEqual([1, 2, 3, 4, 5, 6].map((price) => `quote ${price}`));
    const state = await harness(page);
    expect(state.statuses).toEqual(['connecting', 'open', 'connecting', 'open']);
    expect(new Set(state.onEvent).size).toBe(6);
    expect(restarted.streamRequests.length).toBeGreaterThanOrEqual(1);
    expect(restarted.hub.stats().replaysServed).toBeGreaterThanOrEqual(1);
  }, 60_000);

  test('a page rendered on the server hydrates without a mismatch, then subscribes', async () => {
    const probe = { statuses: [], onEvent: [], committedTick: -1 };
    // The server render: the same app, with a client that must not connect.
    using node = createClient(market, { baseUrl: 'http://127.0.0.1:1/streams' });
    const body = renderToString(<App client={node} symbol="ACME" mounted tick={0} probe={probe} />);
    expect(body).toContain('data-status="connecting"');
    await using server = await serve(createHub(market, { retryMs: 50, drainWindowMs: 50 }), { body });
    await using browser = await chromiumResource();
    const page = await openPage(browser, server, '?hydrate');
    await waitForStatus(page, 'open');
    await server.hub.streams.ticker.emit(acme, 'quote', { price: 8 });
    await waitForTape(page, 1);
    const state = await harness(page);
    expect(state.recoverableErrors).toEqual([]);
    expect(state.subscribeCalls).toBe(1);
    expect(await page.getByTestId('price').textContent()).toBe('8.00');
  }, 60_000);
});
