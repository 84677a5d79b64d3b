import { chromiumResource } from '@tidings/test-kit/chromium';
import { market } from '@tidings/test-kit/contract';
import { serverResource } from '@tidings/test-kit/server';
import { expect, it, vi } from 'vitest';
import { createHub } from './create-hub.ts';
import { memoryBroker } from './memory-broker.ts';

// The position frame was `id: X\ndata:\n\n`, which a browser's EventSource dispatches as an empty
// `message`: every fresh subscribe gave a plain `onmessage` handler an event nobody emitted.

/** A page with a plain EventSource on one room: what its handlers saw, in `window.seen`. */
const PAGE = `<!doctype html><title>plain EventSource</title><script>
  const seen = (window.seen = { opens: 0, messages: [], says: [], gaps: 0 });
  const source = new EventSource('/streams/rooms/r');
  source.onopen = () => seen.opens++;
  source.onmessage = (event) => seen.messages.push({ id: event.lastEventId, data: event.data });
  source.addEventListener('say', (event) => seen.says.push({ id: event.lastEventId, data: event.data }));
  source.addEventListener('gap', () => seen.gaps++);
</script>`;

interface Seen {
  opens: number;
  messages: { id: string; data: string }[];
  says: { id: string; data: string }[];
  gaps: number;
}

it('a plain EventSource sees no event on a fresh subscribe, and resumes from the position after a restart', async () => {
  await using broker = Object.assign(memoryBroker(), { [Symbol.asyncDispose]: () => broker.close() });
  const lastEventIds: (string | string[] | undefined)[] = [];
  const setup = {
    broker,
    before: (app: import('fastify').FastifyInstance) => {
      app.get('/', (_request, reply) => reply.type('text/html').send(PAGE));
      app.addHook('onRequest', async (request) => {
        if (request.url.startsWith('/streams/')) lastEventIds.push(request.headers['last-event-id']);
      });
    },
  };
  const first = createHub(market, { broker, retryMs: 50, drainWindowMs: 0 });
  const position = await first.streams.room.emit({ room: 'r' }, 'say', { text: 'before the page' });
  const server = await serverResource(first, { before: setup.before });
  const { port } = server;

  await using browser = await chromiumResource();
  const page = await browser.newPage();
  await page.goto(`${server.origin}/`);
  const seen = () => page.evaluate(() => (window as unknown as { seen: Seen }).seen);
  await vi.waitFor(async () => expect((await seen()).opens).toBe(1), { timeout: 15_000, interval: 20 });
  await vi.waitFor(() => expect(first.stats().connections).toBe(1), { timeout: 10_000, interval: 20 });

  // The server restarts on the same port; an event is emitted while it is down.
  await server[Symbol.asyncDispose]();
  const second = createHub(market, { broker, retryMs: 50 });
  const missed = await second.streams.room.emit({ room: 'r' }, 'say', { text: 'while down' });
  await using _restarted = await serverResource(second, { port, before: setup.before });
  await vi.waitFor(async () => expect((await seen()).says).toHaveLength(1), {
    timeout: 15_000,
    interval: 20,
  });

  const after = await seen();
  expect(after.messages).toEqual([]);
  expect(after.says).toEqual([{ id: missed, data: '{"text":"while down"}' }]);
  expect(after.gaps).toBe(0);
  // The browser's own reconnect sent the position it had been given at subscribe.
  expect(lastEventIds).toEqual([undefined, position]);
  expect(second.stats()).toMatchObject({ replaysServed: 1, gapsSignalled: 0 });
});
