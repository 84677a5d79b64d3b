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

/** A `tidings diff --base` that names neither a file nor a git commit: the CLI exits 2 (a usage error). */
export class TidingsCodegenUsageError extends TidingsCodegenError {}
