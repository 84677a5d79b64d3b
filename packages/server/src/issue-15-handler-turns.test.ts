import { defineContract, defineStream } from '@tidings/contract';
import { serverResource } from '@tidings/test-kit/server';
import { openSse } from '@tidings/test-kit/sse';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createHub } from './create-hub.ts';

const tokens = defineContract({
  answer: defineStream({ path: '/answer', events: { token: z.object({ i: z.number().int() }) } }),
});

// Issue 15 (bench scenario H): a handler whose events are ready at once, read as fast as it
// writes, kept the event loop in microtasks: the socket took every write at once, so the
// watermark was never reached, and every other connection, timer and request starved.
describe('a handler whose events are always ready', () => {
  it('lets the event loop turn after each slice of its stream', async () => {
    let produced = 0;
    const hub = createHub(tokens, {
      handlers: {
        answer: async function* ({ signal }) {
          while (!signal.aborted) {
            produced++;
            yield { event: 'token', data: { i: produced } };
          }
        },
      },
    });
    await using server = await serverResource(hub);
    await using _stream = await openSse(`${server.url}/answer`, {}, { retain: false });
    // Frames the handler produced in each of 50 turns of the event loop.
    const perTurn: number[] = [];
    let last = produced;
    for (let turn = 0; turn < 50; turn++) {
      await new Promise<void>((resolve) => setImmediate(resolve));
      perTurn.push(produced - last);
      last = produced;
    }
    expect(Math.max(...perTurn)).toBeGreaterThan(0);
    // At most 256 events a turn; without that bound the handler ran on in one turn until the
    // kernel's socket buffers and the 64 KiB watermark were full (about 110,000 frames).
    expect(Math.max(...perTurn)).toBeLessThan(1_000);
  });
});
