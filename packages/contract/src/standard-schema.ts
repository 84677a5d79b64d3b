import type { StandardSchemaV1 } from '@standard-schema/spec';
import type { ValidationIssue } from './errors.ts';

export type { StandardSchemaV1 };

/** Any Standard Schema (zod 4, valibot, arktype, …). */
export type AnySchema = StandardSchemaV1;

/** The output type of a Standard Schema (what validation returns). */
export type InferOutput<TSchema> = TSchema extends StandardSchemaV1
  ? StandardSchemaV1.InferOutput<TSchema>
  : never;
/** The input type of a Standard Schema (what validation accepts). */
export type InferInput<TSchema> = TSchema extends StandardSchemaV1
  ? StandardSchemaV1.InferInput<TSchema>
  : never;

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

/** True for any Standard Schema (an object with `~standard.validate`). */
export function isStandardSchema(value: unknown): value is StandardSchemaV1 {
  return (
    (typeof value === 'object' || typeof value === 'function') &&
    value !== null &&
    typeof (value as { '~standard'?: { validate?: unknown } })['~standard']?.validate === 'function'
  );
}
