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
