import type { StandardSchemaV1 } from '@standard-schema/spec';

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

/** True for any Standard Schema (an object with `~standard.validate`). */
export function isStandardSchema(value: unknown): value is StandardSchemaV1 {
  return (
    (typeof value === 'object' || typeof value === 'function') &&
    value !== null &&
    typeof (value as { '~standard'?: { validate?: unknown } })['~standard']?.validate === 'function'
  );
}
