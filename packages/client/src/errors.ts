import { TidingsError } from '@tidings/contract/errors';

const HTTP_BRAND = Symbol.for('tidings.http-error');

/** The server answered a subscription with an HTTP status the client does not retry; keeps `status` and `body`. */
export class TidingsHttpError extends TidingsError {
  override name = 'TidingsHttpError';
  /** The HTTP status of the response. */
  readonly status: number;
  /** The response body: parsed JSON when the server sent JSON, else the text (at most 64 KiB). */
  readonly body: unknown;
  readonly [HTTP_BRAND] = true;

  constructor(message: string, status: number, body: unknown) {
    super('HTTP_ERROR', message, { statusCode: status });
    this.status = status;
    this.body = body;
  }
}

/** True for a `TidingsHttpError`, even one thrown by a second copy of the package. */
export function isTidingsHttpError(value: unknown): value is TidingsHttpError {
  return (
    typeof value === 'object' && value !== null && (value as { [HTTP_BRAND]?: unknown })[HTTP_BRAND] === true
  );
}

/**
 * The server refused the subscription because the client was built on a contract it no longer serves
 * (HTTP 409 from a hub with `onContractMismatch: 'reject'`): not retried; an app shows "please reload".
 */
export class TidingsContractMismatchError extends TidingsHttpError {
  override name = 'TidingsContractMismatchError';
  override readonly code = 'CONTRACT_MISMATCH';
  /** The contract fingerprint this client sent. */
  readonly clientFingerprint: string;
  /** The server's fingerprint, from the 409 body; `undefined` through an `EventSource`, which shows no body. */
  readonly serverFingerprint: string | undefined;

  constructor(message: string, body: unknown, fingerprints: { client: string; server: string | undefined }) {
    super(message, 409, body);
    this.clientFingerprint = fingerprints.client;
    this.serverFingerprint = fingerprints.server;
  }
}
