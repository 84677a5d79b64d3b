import type { ParsedEventId } from '@tidings/contract/wire';
import type { HubTopic } from './topic.ts';

/** The part of a `net.Socket` a connection writes to. */
export interface RawSocket {
  write(chunk: string | Uint8Array): boolean;
  cork(): void;
  uncork(): void;
  readonly writableLength: number;
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
  once(event: 'close', listener: () => void): unknown;
  on(event: 'error', listener: (error: Error) => void): unknown;
}

/** Waiting for its topic's broker subscription; nothing written yet. */
export const OPENING = 0;
/** Receives the topic's coalesced chunks. */
export const LIVE = 1;
/** Headers sent; replaying history while live events collect in `backlog`. */
export const RESUMING = 2;
/** Replay written; the next flush writes what is left of `backlog` and makes it live. */
export const READY = 3;
export const CLOSED = 4;

export type ConnectionState = typeof OPENING | typeof LIVE | typeof RESUMING | typeof READY | typeof CLOSED;

/** One open stream: a response bound to one topic. */
export class Connection {
  state: ConnectionState = OPENING;
  /** Live events that arrived while resuming, as `[id, frame, id, frame, …]`. */
  backlog: string[] | null = null;
  backlogBytes = 0;
  /** The newest id written while resuming, to skip duplicates across the hand-over. */
  lastSent: ParsedEventId | null = null;
  /**
   * HTTP/1.1 chunked responses: the socket, written directly with pre-framed chunks (one buffer
   * framed once per turn for every socket, one syscall each, instead of `res.write` framing and
   * encoding per socket). `null`: write through `res` (HTTP/2, HTTP/1.0).
   */
  socket: RawSocket | null = null;
  /**
   * Bytes this connection may buffer beyond `maxBufferedBytes`: the size of its replay, which is
   * written at once and bounded by the stream's history, so a large resume is not a slow consumer.
   */
  allowance = 0;

  constructor(
    readonly res: RawResponse,
    readonly topic: HubTopic,
    /** Index of the stream in the hub's stream list (for per-stream counts). */
    readonly stream: number,
  ) {}
}

/** `chunk` as one HTTP/1.1 chunk: size in hex, CRLF, data, CRLF. */
export function frameChunk(chunk: string): string {
  return `${Buffer.byteLength(chunk).toString(16)}\r\n${chunk}\r\n`;
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

/** Writes a (rarely sent) string to one connection: replay, heartbeat, retry. */
export function writeString(conn: Connection, chunk: string): number {
  const socket = conn.socket;
  if (socket !== null) {
    socket.write(frameChunk(chunk));
    return socket.writableLength;
  }
  conn.res.write(chunk);
  return conn.res.writableLength;
}
