import { CONTRACT_HEADER, HEARTBEAT_HEADER, positionOf } from '@tidings/contract/wire';
import { createParser } from 'eventsource-parser';
import {
  httpError,
  isFatalStatus,
  type Transport,
  type TransportEnd,
  type TransportHandlers,
  type TransportRequest,
  transportError,
} from './transport.ts';
import { createWatchdog } from './watchdog.ts';

/** The parts of a `Response` the fetch transport reads. */
export interface ResponseLike {
  readonly status: number;
  readonly headers: { get(name: string): string | null };
  readonly body: ReadableStream<Uint8Array> | null;
  text(): Promise<string>;
}

/** The parts of `RequestInit` the fetch transport sets. */
export interface FetchInit {
  method: 'GET';
  headers: Record<string, string>;
  signal: AbortSignal;
  credentials: 'omit' | 'same-origin' | 'include';
  cache: 'no-store';
}

/** A `fetch` (the platform's, or any with the same shape). */
export type FetchLike = (url: string, init: FetchInit) => Promise<ResponseLike>;

/** Options of the fetch transport. */
export interface FetchTransportOptions {
  /** @default globalThis.fetch */
  fetch?: FetchLike | undefined;
  /** @default 'same-origin' */
  credentials?: 'omit' | 'same-origin' | 'include' | undefined;
  /** The most characters of one line or event the parser buffers. @default unbounded */
  maxEventBytes?: number | undefined;
  /** Silence tolerated when the server announces no heartbeat; 0 for no limit. @default 0 */
  idleTimeoutMs?: number | undefined;
}

const MAX_ERROR_BODY = 64 * 1024;
/** How many heartbeat intervals of silence the watchdog tolerates. */
export const WATCHDOG_FACTOR = 2.5;

async function readErrorBody(response: ResponseLike): Promise<unknown> {
  let text: string;
  try {
    text = (await response.text()).slice(0, MAX_ERROR_BODY);
  } catch {
    return undefined;
  }
  if (/json/i.test(response.headers.get('content-type') ?? '')) {
    try {
      return JSON.parse(text) as unknown;
    } catch {}
  }
  return text;
}

/** Parses `retry-after` (seconds or an HTTP date) into milliseconds. */
export function parseRetryAfter(value: string | null, now = Date.now()): number | undefined {
  if (value === null) return undefined;
  if (/^\s*\d+\s*$/.test(value)) return Number(value) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

async function run(
  request: TransportRequest,
  handlers: TransportHandlers,
  options: FetchTransportOptions,
): Promise<void> {
  const { signal } = request;
  const headers: Record<string, string> = {
    ...request.headers,
    accept: 'text/event-stream',
    [CONTRACT_HEADER]: request.fingerprint,
  };
  if (request.lastEventId !== undefined) headers['last-event-id'] = request.lastEventId;
  const doFetch = options.fetch ?? ((url, init) => globalThis.fetch(url, init));
  const response = await doFetch(request.url, {
    method: 'GET',
    headers,
    signal,
    credentials: options.credentials ?? 'same-origin',
    cache: 'no-store',
  });
  if (signal.aborted) return;
  if (response.status === 204) {
    await response.body?.cancel().catch(() => {});
    return handlers.onEnd({ fatal: true });
  }
  if (response.status !== 200) {
    const error = httpError(request, response.status, await readErrorBody(response));
    const retryAfterMs = parseRetryAfter(response.headers.get('retry-after'));
    return handlers.onEnd({ error, fatal: isFatalStatus(response.status), retryAfterMs });
  }
  const type = response.headers.get('content-type') ?? '';
  if (!type.toLowerCase().startsWith('text/event-stream') || !response.body) {
    await response.body?.cancel().catch(() => {});
    const error = transportError(
      request.stream,
      `expected text/event-stream from GET ${request.url}, got "${type}". Is baseUrl right?`,
    );
    return handlers.onEnd({ error, fatal: true });
  }

  const reader = response.body.getReader();
  const heartbeatMs = Number(response.headers.get(HEARTBEAT_HEADER));
  const silenceMs = heartbeatMs > 0 ? heartbeatMs * WATCHDOG_FACTOR : (options.idleTimeoutMs ?? 0);
  let done = false;
  // Ends the connection once; closing the subscription (an abort) stops the watchdog too and reports nothing.
  const finish = (end?: TransportEnd) => {
    if (done) return;
    done = true;
    watchdog?.stop();
    signal.removeEventListener('abort', abort);
    reader.cancel().catch(() => {});
    if (end) handlers.onEnd(end);
  };
  const abort = () => finish();
  const drop = (what: string, cause?: unknown) =>
    finish({ error: transportError(request.stream, what, cause) });
  const watchdog =
    silenceMs > 0
      ? createWatchdog(silenceMs, () =>
          drop(
            `nothing for ${silenceMs} ms (${heartbeatMs > 0 ? `heartbeat ${heartbeatMs} ms` : 'no heartbeat announced: raise idleTimeoutMs for a quieter server'}); reconnecting.`,
          ),
        )
      : undefined;
  signal.addEventListener('abort', abort, { once: true });
  let oversized = false;
  const parser = createParser({
    maxBufferSize: options.maxEventBytes,
    onEvent: (message) => {
      if (!done)
        handlers.onMessage({ id: message.id, event: message.event ?? 'message', data: message.data });
    },
    onRetry: (ms) => handlers.onRetry(ms),
    // A position frame (no data line, so eventsource-parser reports no event): its id is in the comment.
    onComment: (comment) => {
      const id = positionOf(comment);
      if (id !== undefined && !done) handlers.onMessage({ id, event: 'message', data: '' });
    },
    onError: (error) => {
      if (error.type === 'max-buffer-size-exceeded') oversized = true;
    },
  });
  const decoder = new TextDecoder();
  handlers.onOpen();
  try {
    for (;;) {
      const chunk = await reader.read();
      if (done) return;
      if (chunk.done) return finish({ clean: true });
      watchdog?.reset();
      parser.feed(decoder.decode(chunk.value, { stream: true }));
      if (oversized) {
        return drop(
          `an event passed maxEventBytes (${options.maxEventBytes}): raise it if events are this large; reconnecting.`,
        );
      }
    }
  } catch (cause) {
    drop('connection lost; reconnecting.', cause);
  }
}

/**
 * Streams with `fetch`: custom headers, `Last-Event-ID`, status and body of refused requests, a
 * bound on the size of one event, and a watchdog that drops a connection silent for 2.5 × the
 * announced heartbeat (or for `idleTimeoutMs` when none is announced).
 */
export function createFetchTransport(options: FetchTransportOptions = {}): Transport {
  return {
    connect(request, handlers) {
      run(request, handlers, options).catch((cause: unknown) => {
        if (request.signal.aborted) return;
        handlers.onEnd({
          error: transportError(request.stream, `GET ${request.url} failed; reconnecting.`, cause),
        });
      });
    },
  };
}
