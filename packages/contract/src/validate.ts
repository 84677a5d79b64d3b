import type { StandardSchemaV1 } from '@standard-schema/spec';
import type { ValidationIssue } from './errors.ts';

/** What `validateWith` answers: the output value, or the schema's issues. */
export type ValidationOutcome =
  | { ok: true; value: unknown }
  | { ok: false; issues: readonly ValidationIssue[] };

function toOutcome(result: StandardSchemaV1.Result<unknown>): ValidationOutcome {
  return result.issues ? { ok: false, issues: result.issues } : { ok: true, value: result.value };
}

/**
 * Validates through `~standard.validate`. Synchronous schemas (zod without async refinements,
 * valibot, arktype) answer synchronously, so the hot path never awaits.
 */
export function validateWith(
  schema: StandardSchemaV1,
  value: unknown,
): ValidationOutcome | Promise<ValidationOutcome> {
  const result = schema['~standard'].validate(value);
  return result instanceof Promise ? result.then(toOutcome) : toOutcome(result);
}
