import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { ANSWER_ID, makeToken, TOKEN_EVENT } from '../shared/token.ts';
import { StreamGate } from './stream-gate.ts';
import { type BenchTarget, noPublish, SSE_HEADERS, type TargetOptions } from './target.ts';

/** Unwritten bytes of a response above which the raw loop waits for `drain` (Tidings' handler watermark). */
const WATERMARK_BYTES = 64 * 1024;
/**
 * Bytes a connection writes in one turn of the event loop (a socket's default high-water mark),
 * so a turn stays short with a thousand busy streams.
 */
const TURN_BYTES = 16 * 1024;

/**
 * Scenario H's ceiling: a bare `node:http` server with its own loop per connection, writing one
 * frame per token with `res.write` (no validation, no generator, no promise per event; `node:http`
 * sends a turn's writes together) until the response has more than the watermark unwritten,
 * then again on `drain`. Each connection writes at most 16 KiB per turn of the event loop, so a
 * client that reads as fast as it is written cannot keep the loop to itself.
 */
export async function createRawProcedureTarget(options: TargetOptions): Promise<BenchTarget> {
  const gate = new StreamGate(Number.POSITIVE_INFINITY);
  let streams = 0;
  const server = http.createServer((req, res) => {
    if (req.method !== 'GET' || !req.url?.startsWith('/answers/')) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, SSE_HEADERS);
    res.write('retry: 1000\n\n');
    streams++;
    const left = new AbortController();
    const { signal } = left;
    res.once('close', () => {
      streams--;
      left.abort();
    });
    let i = 0;
    const pump = (): void => {
      let budget = TURN_BYTES;
      while (!signal.aborted) {
        if (i >= gate.limit) {
          void gate.pass(i, signal).then((open) => open && pump());
          return;
        }
        if (res.writableLength > WATERMARK_BYTES) {
          res.once('drain', later);
          return;
        }
        if (budget <= 0) {
          setImmediate(pump);
          return;
        }
        const frame = `id: ${Date.now()}-${i}\nevent: ${TOKEN_EVENT}\ndata: ${JSON.stringify(makeToken(i))}\n\n`;
        res.write(frame);
        budget -= frame.length;
        i++;
      }
    };
    const later = (): void => {
      setImmediate(pump);
    };
    pump();
  });
  await new Promise<void>((resolve) =>
    server.listen({ port: 0, host: '127.0.0.1', backlog: options.backlog }, resolve),
  );
  const { port } = server.address() as AddressInfo;

  return {
    endpoint: { port, path: `/answers/${ANSWER_ID}` },
    gate,
    subscribers: () => streams,
    publish: () => noPublish('raw-proc'),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
