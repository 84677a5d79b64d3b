import { TidingsError, type TidingsErrorOptions } from '@tidings/contract';

export type { TidingsErrorCode, TidingsErrorOptions } from '@tidings/contract';
export { isTidingsError, TidingsContractError, TidingsError } from '@tidings/contract';

/** Code generation failed: a missing file, no contract export, a contract that does not type-check, …. */
export class TidingsCodegenError extends TidingsError {
  override name = 'TidingsCodegenError';
  constructor(message: string, options?: TidingsErrorOptions) {
    super('CODEGEN_FAILED', message, options);
  }
}
