import type { JsonSchema } from './json-schema.ts';
import type { AnySchema } from './standard-schema.ts';

interface StandardJsonSchemaInput {
  jsonSchema?: { input?: (options: { target: string }) => JsonSchema };
}

/** The keys of a valibot object schema, or of the object a valibot `pipe` starts with. */
function valibotEntryKeys(schema: unknown): string[] | undefined {
  let node = schema as { entries?: unknown; pipe?: unknown } | undefined;
  if (Array.isArray(node?.pipe)) node = node.pipe[0] as typeof node;
  const entries = node?.entries;
  return typeof entries === 'object' && entries !== null ? Object.keys(entries) : undefined;
}

/**
 * The keys an object schema accepts as input (what a request's path params are checked against),
 * or `undefined` when the schema does not say (a union, a library without JSON Schema support).
 * Read from Standard JSON Schema (zod 4, arktype), else from a valibot object's `entries`.
 */
export function inputKeysOf(schema: AnySchema): string[] | undefined {
  const props = schema['~standard'] as StandardJsonSchemaInput;
  if (typeof props.jsonSchema?.input === 'function') {
    try {
      const json = props.jsonSchema.input({ target: 'draft-2020-12' });
      if (json['type'] !== 'object') return undefined;
      return Object.keys((json['properties'] as object | undefined) ?? {});
    } catch {
      // Not expressible as JSON Schema: fall through to the library's own structure.
    }
  }
  return valibotEntryKeys(schema);
}
