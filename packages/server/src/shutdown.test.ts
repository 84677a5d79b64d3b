import { market } from '@tidings/test-kit/contract';
import { serverResource } from '@tidings/test-kit/server';
import { openSse, type SseStream } from '@tidings/test-kit/sse';
import { within } from '@tidings/test-kit/wait';
import { describe, expect, it } from 'vitest';
import { createHub } from './create-hub.ts';
import { memoryBroker } from './memory-broker.ts';

async function openMany(url: string, count: number): Promise<SseStream[]> {
  const streams = await Promise.all(
    Array.from({ length: count }, (_, i) =>
      openSse(i % 2 === 0 ? `${url}/ticker/ACME` : `${url}/rooms/r${i}`),
    ),
  );
  for (const stream of streams) await stream.when(() => stream.retries.length === 1, 'open');
  return streams;
}

describe('shutdown', () => {
  it('app.close() ends every open stream at once (not after the drain window), with a spread retry, and closes the hub and its broker', async () => {
    // A ten-minute window: had close() waited it out, the bounded waits below would fail.
    const hub = createHub(market, { retryMs: 1_000, drainWindowMs: 600_000 });
    // Fastify's own default: app.close() itself must end the streams, not the kit's forced close.
    const server = await serverResource(hub, { fastify: { forceCloseConnections: 'idle' } });
    const streams = await openMany(server.url, 40);
    await within(server.app.close(), 10_000, 'app.close()');
    await within(Promise.all(streams.map((stream) => stream.ended)), 10_000, 'every stream to end');

    const finalRetries = streams.map((stream) => stream.retries.at(-1)!);
    for (const retry of finalRetries) {
      expect(retry).toBeGreaterThanOrEqual(1_000);
      expect(retry).toBeLessThanOrEqual(601_000);
    }
    expect(new Set(finalRetries).size).toBeGreaterThan(10);
    expect(hub.stats().connections).toBe(0);
    await expect(hub.streams.announcements.emit('notice', { text: 'late' })).rejects.toMatchObject({
      code: 'HUB_CLOSED',
    });
    await expect(hub.broker.publish({ key: 'k', history: 1 }, 'e', '1')).rejects.toThrow(/closed/);
  });

  it('hub.drain() ends streams, answers new ones 503 with retry-after, and keeps emitting', async () => {
    const broker = memoryBroker();
    await using _broker = { [Symbol.asyncDispose]: () => broker.close() };
    await using hub = createHub(market, { broker, retryMs: 2_000, drainWindowMs: 1_000 });
    await using server = await serverResource(hub);
    const streams = await openMany(server.url, 6);
    await hub.drain({ windowMs: 500 });
    await within(Promise.all(streams.map((stream) => stream.ended)), 5_000, 'every stream to end');
    for (const stream of streams) {
      expect(stream.retries.at(-1)).toBeGreaterThanOrEqual(2_000);
      expect(stream.retries.at(-1)).toBeLessThanOrEqual(2_500);
    }
    await using refused = await openSse(`${server.url}/announcements`);
    expect(refused.status).toBe(503);
    expect(refused.headers['retry-after']).toBe('2');
    await expect(hub.streams.announcements.emit('notice', { text: 'still here' })).resolves.toMatch(
      /^\d+-\d+$/,
    );
  });

  it('app.close() leaves a broker passed in open', async () => {
    const broker = memoryBroker();
    const hub = createHub(market, { broker });
    const server = await serverResource(hub, { fastify: { forceCloseConnections: 'idle' } });
    await server.app.close();
    await expect(broker.publish({ key: 'k', history: 1 }, 'e', '1')).resolves.toMatch(/^\d+-\d+$/);
    await broker.close();
  });
});
