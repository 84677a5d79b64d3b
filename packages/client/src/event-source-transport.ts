import { TidingsError } from '@tidings/contract/errors';
import { CONTRACT_QUERY, LAST_EVENT_ID_QUERY } from '@tidings/contract/wire';
import { httpError, isFatalStatus, type Transport } from './transport.ts';

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

const CLOSED = 2;

/**
 * Streams with an `EventSource`: cookies only, no custom headers. The `EventSource` reconnects by
 * itself after a network error (sending `Last-Event-ID`); when it gives up (a refused request),
 * the subscription decides. The fingerprint travels in the `contract` query param, the position of a
 * new `EventSource` in the `lastEventId` query param.
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
      signal.addEventListener('abort', () => source.close(), { once: true });
      source.addEventListener('open', () => {
        if (!signal.aborted) handlers.onOpen();
      });
      source.addEventListener('error', (event) => {
        if (signal.aborted) return;
        const status = (event as { code?: unknown }).code;
        if (source.readyState !== CLOSED) {
          handlers.onInterrupt(
            new TidingsError(
              'TRANSPORT_ERROR',
              `@tidings/client: stream "${request.stream}": connection lost; reconnecting.`,
            ),
          );
          return;
        }
        source.close();
        if (typeof status === 'number' && status !== 200) {
          handlers.onEnd({ error: httpError(request, status, undefined), fatal: isFatalStatus(status) });
          return;
        }
        handlers.onEnd({
          error: new TidingsError(
            'TRANSPORT_ERROR',
            `@tidings/client: stream "${request.stream}": EventSource GET ${url} failed (no status; the fetch transport shows it); retrying.`,
          ),
        });
      });
      // `message`: the server's position frame (an empty message with an id); the subscription
      // takes its id as its position and delivers nothing.
      for (const name of [...request.events, 'gap', 'message']) {
        source.addEventListener(name, (event) => {
          if (signal.aborted) return;
          handlers.onMessage({ id: event.lastEventId, event: name, data: String(event.data) });
        });
      }
    },
  };
}
