import { TidingsError } from '@tidings/contract/errors';
import { TidingsContractMismatchError, TidingsHttpError } from './errors.ts';

/** What a transport needs to open one connection. */
export interface TransportRequest {
  /** The stream's name, for error messages. */
  readonly stream: string;
  /** The full URL: base, path with params, and query. */
  readonly url: string;
  /** The configured headers, resolved for this connection. */
  readonly headers: Readonly<Record<string, string>>;
  /** The contract fingerprint to send. */
  readonly fingerprint: string;
  /** Sent as `Last-Event-ID` when set. */
  readonly lastEventId: string | undefined;
  /** The event names the stream declares (an `EventSource` needs one listener per name). */
  readonly events: readonly string[];
  /** Aborting it stops every network activity of this connection. */
  readonly signal: AbortSignal;
  /** The subscription as data (stream, params, query), for a transport that carries many over one connection. */
  readonly topic?: TransportTopic | undefined;
}

/** A subscription's stream, params and query. */
export interface TransportTopic {
  readonly params: Readonly<Record<string, unknown>>;
  readonly query: Readonly<Record<string, unknown>> | undefined;
}

/** One SSE message as a transport reads it. */
export interface TransportMessage {
  /** The message's `id:`; `undefined` when it carries none. */
  readonly id: string | undefined;
  readonly event: string;
  readonly data: string;
}

/** How a connection ended; `fatal` means do not reconnect, no `error` means the stream ended (not an error). */
export interface TransportEnd {
  readonly error?: TidingsError | undefined;
  readonly fatal?: boolean | undefined;
  /** The server ended the stream in good order (a planned drain), as opposed to a dropped connection. */
  readonly clean?: boolean | undefined;
  /** A delay the server asked for with `retry-after`. */
  readonly retryAfterMs?: number | undefined;
}

/** What a transport reports; after `onEnd` (or an abort) it reports nothing more. */
export interface TransportHandlers {
  onOpen(): void;
  onMessage(message: TransportMessage): void;
  /** The server's `retry:` field. */
  onRetry(ms: number): void;
  /**
   * The connection dropped and the transport reconnects by itself (a multiplexed connection
   * shared by many subscriptions); `onOpen` follows once it is back.
   */
  onInterrupt(error: TidingsError | undefined): void;
  /** The connection is over; the subscription decides whether and when to reconnect. */
  onEnd(end: TransportEnd): void;
}

/** Opens connections for subscriptions; one implementation per file. */
export interface Transport {
  connect(request: TransportRequest, handlers: TransportHandlers): void;
}

/** Statuses a subscription does not retry: the request itself is wrong or not allowed. */
export function isFatalStatus(status: number): boolean {
  return status >= 400 && status < 500 && status !== 408 && status !== 425 && status !== 429;
}

/** The error for a response that is not a stream; a fatal status says not to retry. */
export function httpError(request: TransportRequest, status: number, body: unknown): TidingsHttpError {
  const error = typeof body === 'object' && body !== null && 'error' in body ? body.error : undefined;
  const detail = error === undefined ? '' : ` (${String(error)})`;
  // A hub answers 409 only to a contract mismatch; an EventSource shows the status but no body.
  if (status === 409 && (body === undefined || error === 'contract_mismatch')) {
    const expected = (body as { expected?: unknown } | undefined)?.expected;
    const server = typeof expected === 'string' ? expected : undefined;
    return new TidingsContractMismatchError(
      `@tidings/client: stream "${request.stream}" got HTTP 409${detail} from GET ${request.url}: the server does not serve this client's contract "${request.fingerprint}"${
        server === undefined ? '' : ` (it has "${server}")`
      }; not retrying. Reload the app for the current client, or list "${request.fingerprint}" in the server's compatibleFingerprints.`,
      body,
      { client: request.fingerprint, server },
    );
  }
  return new TidingsHttpError(
    `@tidings/client: stream "${request.stream}" got HTTP ${status}${detail} from GET ${request.url}; ${isFatalStatus(status) ? 'not retrying' : 'retrying'}.`,
    status,
    body,
  );
}

/** A `TRANSPORT_ERROR` about one stream: `what` says what happened and what the client does next. */
export function transportError(stream: string, what: string, cause?: unknown): TidingsError {
  return new TidingsError('TRANSPORT_ERROR', `@tidings/client: stream "${stream}": ${what}`, { cause });
}
