import { TidingsError } from '@tidings/contract/errors';
import { CONTRACT_HEADER, HEARTBEAT_HEADER } from '@tidings/contract/wire';
import { createParser } from 'eventsource-parser';
import {
  httpError,
  isFatalStatus,
  type Transport,
  type TransportHandlers,
  type TransportRequest,
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

function transportError(request: TransportRequest, what: string, cause?: unknown): TidingsError {
  return new TidingsError('TRANSPORT_ERROR', `@tidings/client: stream "${request.stream}": ${what}`, {
    cause,
  });
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
      request,
      `expected text/event-stream from GET ${request.url}, got "${type}". Is baseUrl right?`,
    );
    return handlers.onEnd({ error, fatal: true });
  }

  const reader = response.body.getReader();
  const cancel = () => void reader.cancel().catch(() => {});
  const heartbeatMs = Number(response.headers.get(HEARTBEAT_HEADER));
  const watchdog =
    heartbeatMs > 0
      ? createWatchdog(heartbeatMs * WATCHDOG_FACTOR, () => {
          signal.removeEventListener('abort', stop);
          cancel();
          handlers.onEnd({
            error: transportError(
              request,
              `nothing for ${heartbeatMs * WATCHDOG_FACTOR} ms (heartbeat ${heartbeatMs} ms); reconnecting.`,
            ),
          });
        })
      : undefined;
  // Closing the subscription stops the watchdog too: after an abort the transport reports nothing.
  const stop = () => {
    watchdog?.stop();
    cancel();
  };
  signal.addEventListener('abort', stop, { once: true });
  const parser = createParser({
    onEvent: (message) =>
      handlers.onMessage({ id: message.id, event: message.event ?? 'message', data: message.data }),
    onRetry: (ms) => handlers.onRetry(ms),
  });
  const decoder = new TextDecoder();
  handlers.onOpen();
  let ended = false;
  try {
    for (;;) {
      const chunk = await reader.read();
      if (signal.aborted || watchdog?.expired) return;
      if (chunk.done) break;
      watchdog?.reset();
      parser.feed(decoder.decode(chunk.value, { stream: true }));
      if (signal.aborted || watchdog?.expired) return;
    }
    ended = true;
  } catch (cause) {
    if (signal.aborted || watchdog?.expired) return;
    watchdog?.stop();
    signal.removeEventListener('abort', stop);
    return handlers.onEnd({ error: transportError(request, 'connection lost; reconnecting.', cause) });
  }
  watchdog?.stop();
  signal.removeEventListener('abort', stop);
  if (ended) handlers.onEnd({});
}

/**
 * Streams with `fetch`: custom headers, `Last-Event-ID`, status and body of refused requests,
 * and a watchdog that drops a connection silent for 2.5 × the announced heartbeat.
 */
export function createFetchTransport(options: FetchTransportOptions = {}): Transport {
  return {
    connect(request, handlers) {
      run(request, handlers, options).catch((cause: unknown) => {
        if (request.signal.aborted) return;
        handlers.onEnd({
          error: transportError(request, `GET ${request.url} failed; reconnecting.`, cause),
        });
      });
    },
  };
}
