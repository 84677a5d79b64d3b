import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { EVENT_NAME, type Quote } from '../shared/payload.ts';
import { type BenchTarget, SSE_HEADERS, type TargetOptions } from './target.ts';

/**
 * The ceiling: a bare `node:http` server that serializes and encodes each event once and
 * writes the same bytes (one `Buffer`) to every response. With `eachEvent` off it writes all
 * of a callback's frames in one write (the 16-events-per-write ceiling); with it on, one
 * write per event as it comes.
 */
export async function createRawTarget(options: TargetOptions, eachEvent: boolean): Promise<BenchTarget> {
  const subscribers = new Set<http.ServerResponse>();
  const server = http.createServer((req, res) => {
    if (req.method !== 'GET' || !req.url?.startsWith('/ticker/')) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, SSE_HEADERS);
    res.write('retry: 1000\n\n');
    subscribers.add(res);
    res.on('close', () => subscribers.delete(res));
  });
  await new Promise<void>((resolve) =>
    server.listen({ port: 0, host: '127.0.0.1', backlog: options.backlog }, resolve),
  );
  const { port } = server.address() as AddressInfo;

  const frame = (ms: number, quote: Quote): string =>
    `id: ${ms}-${quote.seq}\nevent: ${EVENT_NAME}\ndata: ${JSON.stringify(quote)}\n\n`;

  return {
    endpoint: { port, path: '/ticker/ACME' },
    subscribers: () => subscribers.size,
    publish(events) {
      const ms = Date.now();
      if (eachEvent) {
        for (const quote of events) {
          const bytes = Buffer.from(frame(ms, quote));
          for (const res of subscribers) res.write(bytes);
        }
        return;
      }
      let text = '';
      for (const quote of events) text += frame(ms, quote);
      const bytes = Buffer.from(text);
      for (const res of subscribers) res.write(bytes);
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
