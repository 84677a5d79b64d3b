import type { FastifyBaseLogger } from 'fastify';
import type { Framing } from './framing.ts';

/** The part of a `net.Socket` a connection writes to. */
export interface RawSocket {
  write(chunk: string | Uint8Array): boolean;
  cork(): void;
  uncork(): void;
  /** Sends a TCP reset and destroys the socket: the kernel frees its buffers at once. */
  resetAndDestroy(): unknown;
  readonly writableLength: number;
  /** Set once a write failed or the socket was destroyed: nothing more will be written. */
  readonly destroyed: boolean;
  once(event: 'drain', listener: () => void): unknown;
  off(event: 'drain', listener: () => void): unknown;
}

/** The part of Node's `ServerResponse` / `Http2ServerResponse` a connection writes to. */
export interface RawResponse {
  write(chunk: string | Uint8Array): boolean;
  /** HTTP/1.1 only: the socket, while this response owns it (`null` while queued behind another). */
  readonly socket?: RawSocket | null | undefined;
  flushHeaders(): void;
  end(): void;
  destroy(error?: Error): void;
  readonly writableLength: number;
  writeHead(status: number, headers: Record<string, string | number | readonly string[]>): unknown;
  once(event: 'close' | 'drain', listener: () => void): unknown;
  off(event: 'close' | 'drain', listener: () => void): unknown;
  on(event: 'error', listener: (error: Error) => void): unknown;
}

/**
 * Where a connection is: `opening` until its head is written (waiting for its topics' broker
 * subscriptions), then `open`, then `closed`.
 */
export type ConnectionState = 'opening' | 'open' | 'closed';

/**
 * Where one subscription of a connection is in its life. A fresh subscribe without a position
 * goes `opening` → `live`; a resume (or a position read) goes `opening` → `resuming` → `ready` →
 * `live` (see `topic.ts`).
 * - `opening`: waiting for its topic's broker subscription; nothing written yet.
 * - `resuming`: replaying (or reading the position) while live events collect in its hand-over.
 * - `ready`: replay written; it goes live at a flush once live delivery has caught up with what it was sent.
 * - `live`: receives its topic's coalesced chunks.
 * - `closed`: detached; nothing more is written.
 */
export type SlotState = 'opening' | 'resuming' | 'ready' | 'live' | 'closed';

/** One open stream response: one subscription (a plain stream) or many (a multiplexed one). */
export class Connection<TTopic> {
  state: ConnectionState = 'opening';
  /** Its subscriptions, one per topic. */
  readonly slots: Slot<TTopic>[] = [];
  /**
   * HTTP/1.1 chunked responses: the socket, written directly with pre-framed chunks (one buffer
   * framed once per turn for every socket, one syscall each, instead of `res.write` framing and
   * encoding per socket). `null`: write through `res` (HTTP/2, HTTP/1.0).
   */
  socket: RawSocket | null = null;
  /**
   * Bytes this connection may buffer beyond `maxBufferedBytes`: the size of its replays, which are
   * written at once and bounded by the streams' history, so a large resume is not a slow consumer.
   */
  allowance = 0;
  /** Corked for the rest of this flush (a multiplexed connection written by several topics). */
  corked = false;
  /** Handlers serving streams on this connection (procedures): aborted when it closes. */
  readonly handlers = new Set<AbortController>();
  /** When it was admitted (`performance.now()`), for the duration logged when it closes. */
  readonly openedAt = performance.now();
  private drain: Promise<void> | undefined;

  constructor(
    readonly res: RawResponse,
    /** Its route: the stream's index for a plain stream, the stream count for the multiplexed route. */
    readonly route = 0,
    /** Its request's logger (Fastify's, with the request id). */
    readonly log: FastifyBaseLogger | null = null,
  ) {}

  /** Bytes written and not yet taken by the kernel. */
  get buffered(): number {
    return this.socket !== null ? this.socket.writableLength : this.res.writableLength;
  }

  /** Resolves once the unwritten bytes have gone (one listener, whoever waits). */
  drained(): Promise<void> {
    if (this.drain) return this.drain;
    const target = this.socket ?? this.res;
    this.drain = new Promise<void>((resolve) => {
      const done = (): void => {
        target.off('drain', done);
        this.res.off('close', done);
        this.drain = undefined;
        resolve();
      };
      target.once('drain', done);
      this.res.once('close', done);
    });
    return this.drain;
  }
}

/** One subscription of a connection: its topic, how its frames are written, and where it is. */
export class Slot<TTopic> {
  state: SlotState = 'opening';

  constructor(
    readonly conn: Connection<TTopic>,
    readonly topic: TTopic,
    /** Index of the stream in the hub's stream list (for per-stream counts). */
    readonly stream: number,
    readonly framing: Framing,
  ) {}
}

/** `chunk` as one HTTP/1.1 chunk: size in hex, CRLF, data, CRLF (`size`: its byte length, when known). */
export function frameChunk(chunk: string, size = Buffer.byteLength(chunk)): string {
  return `${size.toString(16)}\r\n${chunk}\r\n`;
}

/**
 * Sends the head of a response that declared `transfer-encoding: chunked` and returns its socket, corked,
 * for pre-framed chunks; or `null` when the chunks must go through `res` (no socket of its own yet).
 *
 * Only documented behaviour is relied on: `flushHeaders()` hands the head to the socket, and when the
 * response's `writableLength` equals its socket's, Node holds nothing of it back (Node 24 keeps the
 * head and first chunks of a corked response in a buffer of its own until the next tick), so every
 * byte written to the socket from here on follows the head. The caller uncorks once its first
 * frames are written, so head and first frames leave in one write.
 */
export function sendChunkedHead(res: RawResponse): RawSocket | null {
  const socket = res.socket;
  if (!socket) return null;
  socket.cork();
  res.flushHeaders();
  if (res.writableLength === socket.writableLength) return socket;
  socket.uncork();
  return null;
}

/** Writes a string to one connection (replay, heartbeat, retry, a handler's frames of one turn); `bytes` is its UTF-8 length when known. Returns the bytes it has buffered. */
export function writeString(conn: Connection<unknown>, chunk: string, bytes?: number): number {
  const socket = conn.socket;
  if (socket !== null) {
    socket.write(frameChunk(chunk, bytes));
    return socket.writableLength;
  }
  conn.res.write(chunk);
  return conn.res.writableLength;
}

/** Whether a logger writes `debug` lines: their fields are not even built otherwise (a line per connection). */
export function debugging(log: FastifyBaseLogger | null): log is FastifyBaseLogger {
  return log !== null && (log.level === 'debug' || log.level === 'trace');
}
