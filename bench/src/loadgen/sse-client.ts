import net from 'node:net';
import { AUTH_TOKEN } from '../shared/payload.ts';
import type { Endpoint } from '../shared/protocol.ts';
import { EventScanner, type TimestampSampler } from './event-scanner.ts';

const HEADER_END = Buffer.from('\r\n\r\n', 'latin1');
const MAX_HEADER_BYTES = 16 * 1024;
// Every socket reads into this one buffer (`onread`): no allocation and no 'data' event per read.
// Safe because each read is handled synchronously and nothing keeps a reference to it.
const READ_BUFFER = Buffer.allocUnsafe(64 * 1024);

/** What a client reports back to the pool it belongs to. */
export interface ClientHooks {
  /** Receives each event's send timestamp while latency is measured. */
  sampler: TimestampSampler;
  /** The connection closed after it was open, and not because we closed it. */
  onUnexpectedClose(client: SseClient): void;
}

function requestBytes(endpoint: Endpoint): string {
  return (
    `GET ${endpoint.path} HTTP/1.1\r\n` +
    `Host: 127.0.0.1:${endpoint.port}\r\n` +
    'Accept: text/event-stream\r\n' +
    'Cache-Control: no-cache\r\n' +
    `Authorization: Bearer ${AUTH_TOKEN}\r\n` +
    '\r\n'
  );
}

/**
 * One SSE subscriber on a raw `node:net` socket: sends a bare `GET`, waits for the status line
 * and headers, then only counts events (and samples their timestamps).
 */
export class SseClient {
  readonly scanner: EventScanner;
  private socket: net.Socket | undefined;
  private head: Buffer[] = [];
  private headBytes = 0;
  private open = false;
  private closing = false;
  private readonly hooks: ClientHooks;

  constructor(hooks: ClientHooks) {
    this.hooks = hooks;
    this.scanner = new EventScanner(hooks.sampler);
  }

  /** Events received so far. */
  get delivered(): number {
    return this.scanner.count;
  }

  get isOpen(): boolean {
    return this.open;
  }

  /** Connects and resolves once a 200 response's headers have arrived; rejects otherwise. */
  connect(endpoint: Endpoint, timeoutMs: number, localAddress?: string | undefined): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const socket = net.connect({
        host: '127.0.0.1',
        port: endpoint.port,
        noDelay: true,
        onread: {
          buffer: READ_BUFFER,
          callback: (bytes: number, buf: Uint8Array) => this.onRead(bytes, buf),
        },
        ...(localAddress ? { localAddress } : {}),
      });
      this.socket = socket;
      let settled = false;
      const fail = (reason: string): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        socket.destroy();
        reject(new Error(reason));
      };
      const timer = setTimeout(() => fail(`no response headers within ${timeoutMs} ms`), timeoutMs);
      socket.once('connect', () => socket.write(requestBytes(endpoint)));
      socket.on('error', (error) => fail(`socket error: ${error.message}`));
      socket.on('close', () => {
        if (!settled) fail('closed before the response headers');
        else if (this.open && !this.closing) {
          this.open = false;
          this.hooks.onUnexpectedClose(this);
        }
        this.open = false;
      });
      this.onHead = (chunk) => {
        this.head.push(Buffer.from(chunk));
        this.headBytes += chunk.length;
        const head = this.head.length === 1 ? this.head[0]! : Buffer.concat(this.head);
        const end = head.indexOf(HEADER_END);
        if (end === -1) {
          if (this.headBytes > MAX_HEADER_BYTES) fail('response headers too large');
          return;
        }
        const statusLine = head.toString('latin1', 0, Math.min(head.indexOf('\r\n'), 200));
        if (!/^HTTP\/1\.1 200 /.test(statusLine)) {
          fail(`unexpected response "${statusLine}": ${head.toString('utf8', end + 4, end + 300)}`);
          return;
        }
        this.head = [];
        this.open = true;
        settled = true;
        clearTimeout(timer);
        resolve();
        const body = head.subarray(end + HEADER_END.length);
        if (body.length > 0) this.scanner.push(body);
      };
    });
  }

  private onHead: (chunk: Buffer) => void = () => {};

  private onRead(bytes: number, buf: Uint8Array): boolean {
    const chunk = Buffer.from(buf.buffer, buf.byteOffset, bytes);
    if (this.open) this.scanner.push(chunk);
    else this.onHead(chunk);
    return true;
  }

  /** Closes with a TCP reset, so no port lingers in TIME_WAIT between scenarios. */
  close(): void {
    this.closing = true;
    this.open = false;
    const socket = this.socket;
    if (socket && !socket.destroyed) socket.resetAndDestroy();
  }
}
