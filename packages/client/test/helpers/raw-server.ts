import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { changes } from '@tidings/test-kit/wait';

/** One request a raw server saw. */
export interface SeenRequest {
  readonly url: string;
  readonly headers: IncomingHttpHeaders;
  readonly at: number;
}

/** A plain `node:http` server on 127.0.0.1:0 that records requests; disposing it closes every socket. */
export interface RawServer extends AsyncDisposable {
  readonly url: string;
  readonly requests: SeenRequest[];
  /** Resolves once the server has seen `count` requests in all. */
  requestCount(count: number, timeoutMs?: number): Promise<SeenRequest>;
}

type Handler = (req: IncomingMessage, res: ServerResponse, index: number) => void;

/** Starts a raw server whose handler gets the request's 0-based index. */
export async function rawServer(handler: Handler): Promise<RawServer> {
  const requests: SeenRequest[] = [];
  const changed = changes();
  const server = createServer((req, res) => {
    const index = requests.length;
    requests.push({ url: req.url ?? '', headers: req.headers, at: Date.now() });
    changed.notify();
    handler(req, res, index);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    async requestCount(count, timeoutMs = 10_000) {
      await changed.until(
        () => requests.length >= count,
        () => `${count} requests (saw ${requests.length})`,
        timeoutMs,
      );
      return requests[count - 1]!;
    },
    async [Symbol.asyncDispose]() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** Starts an SSE response with the headers the Tidings server sends. */
export function openStream(res: ServerResponse, extra: Record<string, string> = {}): void {
  res.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache, no-transform',
    ...extra,
  });
  res.flushHeaders();
}

/** One SSE frame as the Tidings wire format writes it. */
export function frame(id: string | undefined, event: string, data: unknown): string {
  return `${id === undefined ? '' : `id: ${id}\n`}event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
}
