import { connect, type Socket } from 'node:net';
import { changes } from './wait.ts';

/** A raw TCP connection for byte-exact checks; disposed with `await using`. */
export interface RawSocket extends AsyncDisposable {
  readonly socket: Socket;
  /** Everything received so far, as latin1 (bytes map 1:1 to chars). */
  received(): string;
  /** Sizes of the socket reads, in order. */
  readonly reads: number[];
  /** Resolves with what was received once it satisfies `check`; rejects after `timeoutMs`. */
  when(check: (received: string) => boolean, label: string, timeoutMs?: number): Promise<string>;
  /** Resolves once the socket closed. */
  readonly closed: Promise<void>;
}

/** Connects to 127.0.0.1:`port` and writes `request`; `read: false` leaves the bytes unread (a stuck client). */
export async function rawSocket(
  port: number,
  request?: string,
  options: { read?: boolean } = {},
): Promise<RawSocket> {
  const socket = connect({ port, host: '127.0.0.1' });
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('error', reject);
  });
  socket.on('error', () => {});
  let received = '';
  const reads: number[] = [];
  const changed = changes();
  const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  if (options.read !== false) {
    socket.on('data', (chunk: Buffer) => {
      received += chunk.toString('latin1');
      reads.push(chunk.length);
      changed.notify();
    });
  }
  if (request !== undefined) socket.write(request);
  return {
    socket,
    reads,
    received: () => received,
    closed,
    async when(check, label, timeoutMs = 10_000) {
      await changed.until(
        () => check(received),
        () => `${label}; got ${JSON.stringify(received.slice(-300))}`,
        timeoutMs,
      );
      return received;
    },
    async [Symbol.asyncDispose]() {
      socket.destroy();
      await closed;
    },
  };
}

/** A minimal HTTP/1.1 GET asking for an event stream, with extra `headers`. */
export function getRequest(path: string, headers: Record<string, string> = {}): string {
  const lines = [`GET ${path} HTTP/1.1`, 'host: 127.0.0.1', 'accept: text/event-stream'];
  for (const [name, value] of Object.entries(headers)) lines.push(`${name}: ${value}`);
  return `${lines.join('\r\n')}\r\n\r\n`;
}

/** The body of a chunked HTTP/1.1 response, as the list of its chunks (for write-coalescing checks). */
export function dechunk(raw: string): { head: string; chunks: string[] } {
  const split = raw.indexOf('\r\n\r\n');
  const head = raw.slice(0, split);
  const chunks: string[] = [];
  let at = split + 4;
  for (let guard = 0; guard < 1_000_000 && at < raw.length; guard++) {
    const lineEnd = raw.indexOf('\r\n', at);
    if (lineEnd < 0) break;
    const size = Number.parseInt(raw.slice(at, lineEnd), 16);
    if (!Number.isFinite(size) || raw.length < lineEnd + 2 + size + 2) break;
    if (size === 0) break;
    chunks.push(Buffer.from(raw.slice(lineEnd + 2, lineEnd + 2 + size), 'latin1').toString('utf8'));
    at = lineEnd + 2 + size + 2;
  }
  return { head, chunks };
}
