import { existsSync, readFileSync } from 'node:fs';
import { defineContract, defineStream } from '@tidings/contract';
import { getRequest, rawSocket } from '@tidings/test-kit/raw-socket';
import { serverResource } from '@tidings/test-kit/server';
import { expect, it, vi } from 'vitest';
import { z } from 'zod';
import { createHub } from './create-hub.ts';

// Cutting 200 HTTP/1.1 clients that had stopped reading left their sockets in FIN-WAIT-1 for
// more than 100 s, holding 781 MB of kernel memory: a FIN waits behind the unread bytes. A reset
// frees the socket and its buffers at once.

const contract = defineContract({
  feed: defineStream({ path: '/feed', events: { blob: z.object({ text: z.string() }) } }),
});

const hexPort = (port: number) => port.toString(16).toUpperCase().padStart(4, '0');

/** The kernel's state of the server side of one loopback connection (`/proc/net/tcp`), if it still exists. */
function serverSide(
  serverPort: number,
  clientPort: number,
): { state: string; sendQueue: number } | undefined {
  for (const line of readFileSync('/proc/net/tcp', 'utf8').split('\n').slice(1)) {
    const [, local, remote, state, queues] = line.trim().split(/\s+/);
    if (local?.endsWith(`:${hexPort(serverPort)}`) && remote?.endsWith(`:${hexPort(clientPort)}`)) {
      return { state: state === '04' ? 'FIN-WAIT-1' : state!, sendQueue: Number.parseInt(queues!, 16) };
    }
  }
  return undefined;
}

it.runIf(existsSync('/proc/net/tcp'))(
  'a slow consumer is cut with a TCP reset: its socket and kernel buffers go at once, no FIN-WAIT-1',
  async () => {
    await using hub = createHub(contract, { maxBufferedBytes: 64 * 1024 });
    await using server = await serverResource(hub);
    await using stuck = await rawSocket(server.port, getRequest('/streams/feed'), { read: false });
    await vi.waitFor(() => expect(hub.stats().connections).toBe(1), { timeout: 10_000, interval: 5 });
    const clientPort = stuck.socket.localPort!;
    expect(serverSide(server.port, clientPort)).toBeDefined();
    const text = 'x'.repeat(8_000);
    for (let i = 0; i < 10_000 && hub.stats().slowConsumerDisconnects === 0; i++) {
      await hub.streams.feed.emit('blob', { text });
      if (i % 10 === 9) await new Promise((resolve) => setImmediate(resolve)); // let the turn flush
    }
    expect(hub.stats()).toMatchObject({ slowConsumerDisconnects: 1, connections: 0 });
    // With a FIN the socket stays in FIN-WAIT-1 with megabytes queued for as long as the client does not read.
    await vi.waitFor(() => expect(serverSide(server.port, clientPort)).toBeUndefined(), {
      timeout: 5_000,
      interval: 20,
    });
  },
);
