import { defineContract, defineStream } from '@tidings/contract';
import { getRequest, rawSocket } from '@tidings/test-kit/raw-socket';
import { serverResource } from '@tidings/test-kit/server';
import { openSse } from '@tidings/test-kit/sse';
import { within } from '@tidings/test-kit/wait';
import { expect, it, vi } from 'vitest';
import { z } from 'zod';
import { createHub } from './create-hub.ts';
import { settledHeap } from './test-support/gc.ts';

const contract = defineContract({
  feed: defineStream({ path: '/feed', events: { blob: z.object({ n: z.number(), text: z.string() }) } }),
});

const EVENTS = 10_000;
const MAX_BUFFERED = 512 * 1024;
const text = 'x'.repeat(2_000);

function settledMemory(): number {
  settledHeap();
  const usage = process.memoryUsage();
  return usage.heapUsed + usage.external;
}

it('closes a socket that never reads once it holds maxBufferedBytes, while other clients keep receiving', async () => {
  await using hub = createHub(contract, { maxBufferedBytes: MAX_BUFFERED });
  await using server = await serverResource(hub);
  await using good = await openSse(`${server.url}/feed`, {}, { retain: false });
  await using stuck = await rawSocket(server.port, getRequest('/streams/feed'), { read: false });
  await good.when(() => good.retries.length === 1, 'good client open');
  await vi.waitFor(() => expect(hub.stats().connections).toBe(2), { timeout: 10_000, interval: 5 });

  const baseline = settledMemory();
  let peak = 0;
  let disconnectedAt = -1;
  for (let i = 0; i < EVENTS; i += 20) {
    await Promise.all(
      Array.from({ length: 20 }, (_, j) => hub.streams.feed.emit('blob', { n: i + j, text })),
    );
    await new Promise((resolve) => setImmediate(resolve)); // let the turn's frames flush
    if (disconnectedAt < 0 && hub.stats().slowConsumerDisconnects === 1) disconnectedAt = i;
    if (i % 1_000 === 0) peak = Math.max(peak, settledMemory() - baseline);
  }
  const events = await good.until(EVENTS, 30_000);
  // The server closed it: once the client reads what the kernel holds, it sees the end.
  stuck.socket.resume();
  await within(stuck.closed, 10_000, 'the stuck socket to see the server close it');

  // ~2 KB × 10,000 = 20 MB went out. The stuck socket was cut after its kernel buffers and
  // maxBufferedBytes (512 KiB) filled up; the server never retained more than 4 MB beyond its baseline (measured: under 1 MB).
  expect(hub.stats().slowConsumerDisconnects).toBe(1);
  expect(disconnectedAt).toBeGreaterThanOrEqual(0);
  expect(disconnectedAt).toBeLessThan(EVENTS / 2);
  expect(peak).toBeLessThan(4 * 1024 * 1024);
  expect(good.count()).toBe(EVENTS);
  expect(JSON.parse(events.at(-1)!.data).n).toBe(EVENTS - 1);
  expect(hub.stats().connections).toBe(1);
}, 60_000);
