import { type IncomingHttpHeaders, type IncomingMessage, request } from 'node:http';
import { positionOf } from '@tidings/contract/wire';
import { createParser } from 'eventsource-parser';
import { changes, within } from './wait.ts';

/** One event as the SSE parser read it. */
export interface SseEvent {
  readonly id: string | undefined;
  readonly event: string | undefined;
  readonly data: string;
}

/** What an SSE body carried so far, parsed with eventsource-parser; fed chunk by chunk. */
export interface SseReader {
  readonly events: SseEvent[];
  readonly retries: number[];
  readonly comments: string[];
  /** Ids of position frames (read from their comment line, as the Tidings client does). */
  readonly positions: string[];
  /** Events received (also when `retain: false` keeps only the last one in `events`). */
  count(): number;
  /** The raw body, as received (empty with `retain: false`). */
  body(): string;
  /** Parses one chunk of the body. */
  feed(chunk: string): void;
  /** Marks the body as ended: waits for more fail at once. */
  end(): void;
  readonly isEnded: () => boolean;
  /** Resolves with the events once there are at least `count` (bounded in time). */
  until(count: number, timeoutMs?: number): Promise<SseEvent[]>;
  /** Resolves once `check` holds (re-checked on every chunk); rejects if the body ends first. */
  when(check: () => boolean, label: string, timeoutMs?: number): Promise<void>;
}

/** Creates an SSE body reader; `retain: false` keeps only the last event and no body (for long streams). */
export function sseReader({ retain = true }: { retain?: boolean } = {}): SseReader {
  const events: SseEvent[] = [];
  const retries: number[] = [];
  const comments: string[] = [];
  const positions: string[] = [];
  const changed = changes();
  let body = '';
  let count = 0;
  let ended = false;
  const parser = createParser({
    onEvent: (message) => {
      count++;
      if (!retain) events.length = 0;
      events.push({ id: message.id, event: message.event, data: message.data });
    },
    onRetry: (ms) => retries.push(ms),
    onComment: (comment) => {
      const position = positionOf(comment);
      if (position === undefined) comments.push(comment);
      else positions.push(position);
    },
  });
  const when = (check: () => boolean, label: string, timeoutMs = 10_000) =>
    changed.until(
      () => {
        if (check()) return true;
        if (ended) throw new Error(`stream ended before: ${label}`);
        return false;
      },
      () => `${label} (events: ${count})`,
      timeoutMs,
    );
  return {
    events,
    retries,
    comments,
    positions,
    count: () => count,
    body: () => body,
    feed(chunk) {
      if (retain) body += chunk;
      parser.feed(chunk);
      changed.notify();
    },
    end() {
      if (ended) return;
      ended = true;
      changed.notify();
    },
    isEnded: () => ended,
    async until(wanted, timeoutMs) {
      await when(() => count >= wanted, `${wanted} events`, timeoutMs);
      return events;
    },
    when,
  };
}

/** An open SSE response read with node:http and eventsource-parser; disposing it closes the request. */
export interface SseStream extends AsyncDisposable, Omit<SseReader, 'feed' | 'end'> {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  /** Resolves when the response ends or the socket closes. */
  readonly ended: Promise<void>;
  close(): void;
}

/** Options of `openSse`. */
export interface OpenSseOptions {
  /**
   * How long to wait for the response head.
   * @default 10_000
   */
  timeoutMs?: number;
  /**
   * Keep every event and the raw body; `false` keeps only the last event, for long streams.
   * @default true
   */
  retain?: boolean;
}

/** Opens `url` (http://host:port/path, sent as written) with `accept: text/event-stream` and reads it. */
export async function openSse(
  url: string,
  headers: Record<string, string> = {},
  { timeoutMs = 10_000, retain = true }: OpenSseOptions = {},
): Promise<SseStream> {
  // Keep the path as written (no dot-segment normalization), so tests can send hostile paths.
  const match = /^http:\/\/([^/:]+):(\d+)(\/.*)?$/.exec(url);
  if (!match) throw new Error(`openSse needs http://host:port/path, got ${url}`);
  const req = request({
    host: match[1],
    port: Number(match[2]),
    path: match[3] ?? '/',
    headers: { accept: 'text/event-stream', ...headers },
    agent: false,
  });
  const responded = new Promise<IncomingMessage>((resolve, reject) => {
    req.on('error', reject);
    req.on('response', resolve);
  });
  req.end();
  const res = await within(responded, timeoutMs, `a response from ${url}`).catch((error: unknown) => {
    req.destroy();
    throw error;
  });
  const reader = sseReader({ retain });
  let markEnded!: () => void;
  const ended = new Promise<void>((resolve) => {
    markEnded = resolve;
  });
  const finish = () => {
    reader.end();
    markEnded();
  };
  res.setEncoding('utf8');
  res.on('data', (chunk: string) => reader.feed(chunk));
  res.on('end', finish);
  res.on('close', finish);
  res.on('error', finish);
  const close = () => {
    req.destroy();
    res.destroy();
  };
  const { feed: _feed, end: _end, ...read } = reader;
  return {
    ...read,
    status: res.statusCode ?? 0,
    headers: res.headers,
    ended,
    close,
    async [Symbol.asyncDispose]() {
      close();
      await ended;
    },
  };
}
