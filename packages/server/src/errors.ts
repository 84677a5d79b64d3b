import { TidingsError, type TidingsErrorOptions } from '@tidings/contract';

export type { TidingsErrorCode, TidingsErrorOptions } from '@tidings/contract';
export {
  isTidingsError,
  TidingsContractError,
  TidingsError,
  TidingsValidationError,
} from '@tidings/contract';

/** A broker could not publish, subscribe or replay (Redis down, timed out, …). The cause is kept. */
export class TidingsBrokerError extends TidingsError {
  override name = 'TidingsBrokerError';
  constructor(message: string, options?: TidingsErrorOptions) {
    super('BROKER_ERROR', message, { statusCode: 503, ...options });
  }
}
