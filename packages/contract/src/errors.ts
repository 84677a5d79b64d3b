/**
 * Every stable error code a Tidings package can raise.
 */
export type TidingsErrorCode =
  | 'CONTRACT_INVALID'
  | 'VALIDATION_FAILED'
  | 'UNKNOWN_STREAM'
  | 'UNKNOWN_EVENT'
  | 'HTTP_ERROR'
  | 'CONTRACT_MISMATCH'
  | 'BROKER_ERROR'
  | 'HUB_CLOSED'
  | 'TRANSPORT_ERROR'
  | 'CONFIG_INVALID'
  | 'CODEGEN_FAILED'
  | 'HANDLER_FAILED';

const BRAND = Symbol.for('tidings.error');

/** Options every Tidings error accepts. */
export interface TidingsErrorOptions extends ErrorOptions {
  /** An HTTP status Fastify maps the error to, when it is thrown inside a request. */
  statusCode?: number | undefined;
}

/** Base class of every error a Tidings package throws; `code` is stable across versions. */
export class TidingsError extends Error {
  override name = 'TidingsError';
  readonly code: TidingsErrorCode;
  readonly statusCode: number | undefined;
  readonly [BRAND] = true;

  constructor(code: TidingsErrorCode, message: string, options?: TidingsErrorOptions) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.statusCode = options?.statusCode;
  }
}

/** A contract (or a call against it) that breaks a rule of the contract: bad path, reserved name, … */
export class TidingsContractError extends TidingsError {
  override name = 'TidingsContractError';
  constructor(message: string, options?: TidingsErrorOptions & { code?: TidingsErrorCode }) {
    super(options?.code ?? 'CONTRACT_INVALID', message, options);
  }
}

/** One problem a schema reported, as Standard Schema describes it. */
export interface ValidationIssue {
  readonly message: string;
  readonly path?: ReadonlyArray<PropertyKey | { readonly key: PropertyKey }> | undefined;
}

/** A value that failed its schema; `issues` are the schema's own. */
export class TidingsValidationError extends TidingsError {
  override name = 'TidingsValidationError';
  readonly issues: readonly ValidationIssue[];
  constructor(message: string, issues: readonly ValidationIssue[], options?: TidingsErrorOptions) {
    super('VALIDATION_FAILED', message, options);
    this.issues = issues;
  }
}

/** True for any Tidings error, even one thrown by a second copy of the package. */
export function isTidingsError(value: unknown): value is TidingsError {
  return typeof value === 'object' && value !== null && (value as { [BRAND]?: unknown })[BRAND] === true;
}

/** Formats issue paths as `a.b[0]`, for error messages. */
export function formatIssuePath(issue: ValidationIssue): string {
  if (!issue.path || issue.path.length === 0) return '(root)';
  let out = '';
  for (const part of issue.path) {
    const key = typeof part === 'object' && part !== null ? part.key : part;
    out += typeof key === 'number' ? `[${key}]` : out === '' ? String(key) : `.${String(key)}`;
  }
  return out;
}

/** One line per issue: `field: message`. */
export function describeIssues(issues: readonly ValidationIssue[]): string {
  return issues.map((issue) => `${formatIssuePath(issue)}: ${issue.message}`).join('; ');
}
