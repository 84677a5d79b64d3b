import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createChannel, createSession } from 'better-sse';
import { EVENT_NAME } from '../shared/payload.ts';
import type { BenchTarget, TargetOptions } from './target.ts';

/** better-sse's documented pattern: a session per request, registered on one channel, `broadcast` per event (no validation). */
export async function createBetterSseTarget(options: TargetOptions): Promise<BenchTarget> {
  const channel = createChannel();
  const server = http.createServer((req, res) => {
    if (req.method !== 'GET' || !req.url?.startsWith('/ticker/')) {
      res.writeHead(404).end();
      return;
    }
    createSession(req, res).then(
      (session) => channel.register(session),
      (error: unknown) => options.onError(error),
    );
  });
  await new Promise<void>((resolve) =>
    server.listen({ port: 0, host: '127.0.0.1', backlog: options.backlog }, resolve),
  );
  const { port } = server.address() as AddressInfo;

  return {
    endpoint: { port, path: '/ticker/ACME' },
    subscribers: () => channel.sessionCount,
    publish(events) {
      const ms = Date.now();
      for (const quote of events) channel.broadcast(quote, EVENT_NAME, { eventId: `${ms}-${quote.seq}` });
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
