import { CONTRACT_QUERY, LAST_EVENT_ID_QUERY } from '@tidings/contract/wire';
import { httpError, isFatalStatus, type Transport, transportError } from './transport.ts';

/** The parts of a `MessageEvent` the eventsource transport reads. */
export interface MessageEventLike {
  readonly data: unknown;
  readonly lastEventId: string;
}

/** The parts of an `EventSource` the eventsource transport uses (the DOM's, or the `eventsource` package's). */
export interface EventSourceLike {
  readonly readyState: number;
  addEventListener(type: string, listener: (event: MessageEventLike) => void): void;
  close(): void;
}

/** An `EventSource` class. */
export type EventSourceConstructorLike = new (
  url: string,
  init?: { withCredentials?: boolean },
) => EventSourceLike;

/** Options of the eventsource transport. */
export interface EventSourceTransportOptions {
  /** The `EventSource` class. */
  EventSource: EventSourceConstructorLike;
  /** @default false */
  withCredentials?: boolean | undefined;
}

/**
 * Streams with an `EventSource`: cookies only, no custom headers. When a connection ends, the
 * transport closes the `EventSource` (which would reconnect by itself after exactly the server's
 * `retry:`, with no backoff and no jitter) and the subscription reconnects with a new one. The
 * fingerprint travels in the `contract` query param, the position in the `lastEventId` query param.
 */
export function createEventSourceTransport(options: EventSourceTransportOptions): Transport {
  return {
    connect(request, handlers) {
      const { signal } = request;
      let url = `${request.url}${request.url.includes('?') ? '&' : '?'}${CONTRACT_QUERY}=${encodeURIComponent(request.fingerprint)}`;
      // A new EventSource cannot set Last-Event-ID; the server takes the position from the query instead.
      if (request.lastEventId !== undefined)
        url += `&${LAST_EVENT_ID_QUERY}=${encodeURIComponent(request.lastEventId)}`;
      const source = new options.EventSource(url, { withCredentials: options.withCredentials ?? false });
      let opened = false;
      signal.addEventListener('abort', () => source.close(), { once: true });
      source.addEventListener('open', () => {
        opened = true;
        if (!signal.aborted) handlers.onOpen();
      });
      source.addEventListener('error', (event) => {
        if (signal.aborted) return;
        source.close();
        const { code: status, message } = event as { code?: unknown; message?: unknown };
        if (status === 204) return handlers.onEnd({ fatal: true });
        if (typeof status === 'number' && status !== 200) {
          return handlers.onEnd({
            error: httpError(request, status, undefined),
            fatal: isFatalStatus(status),
          });
        }
        // The `eventsource` package says why a connection broke; a browser does not, and an end of
        // stream (a planned drain) says nothing either, so that is what it is taken for.
        const what = !opened
          ? `EventSource GET ${url} failed (no status; the fetch transport shows it); retrying.`
          : message
            ? 'connection lost; reconnecting.'
            : undefined;
        handlers.onEnd({ error: what ? transportError(request.stream, what, message) : undefined });
      });
      // An EventSource keeps the id of a position frame to itself (the frame dispatches nothing), so
      // this transport resumes a stream that had no event since it subscribed without a position.
      for (const name of [...request.events, 'gap', 'close']) {
        source.addEventListener(name, (event) => {
          if (signal.aborted) return;
          handlers.onMessage({ id: event.lastEventId, event: name, data: String(event.data) });
        });
      }
    },
  };
}
