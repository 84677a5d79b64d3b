import { pathParams } from './path-params.ts';
import type { AnySchema } from './standard-schema.ts';
import { isStandardSchema } from './standard-schema.ts';
import type { AnyContract } from './types.ts';

/** A JSON Schema object (draft 2020-12). */
export type JsonSchema = { readonly [keyword: string]: unknown };

/** What `jsonSchemaOf` answers: the JSON Schema, or why (and for zod and arktype, where) it cannot be written. */
export type JsonSchemaResult =
  | { ok: true; schema: JsonSchema }
  | { ok: false; reason: string; field?: string | undefined; unsupported?: boolean };

interface StandardJsonSchemaProps {
  jsonSchema?: { output?: (options: { target: string; libraryOptions?: object }) => JsonSchema };
}

function refuse(what: string): never {
  throw new Error(`${what} cannot be represented in JSON`);
}

/**
 * arktype's Standard JSON Schema silently writes `{}` for what JSON cannot carry; these
 * fallbacks make it throw instead, as zod does, so such payloads are refused.
 */
const ARKTYPE_OPTIONS = {
  target: 'draft-2020-12',
  libraryOptions: {
    fallback: {
      date: () => refuse('Date'),
      domain: (ctx: { domain: string }) => refuse(ctx.domain === 'bigint' ? 'BigInt' : ctx.domain),
      proto: (ctx: { proto: { name: string } }) => refuse(ctx.proto.name),
      unit: (ctx: { unit: unknown }) => refuse(ctx.unit === undefined ? 'undefined' : 'A non-JSON literal'),
      symbolKey: () => refuse('A symbol key'),
    },
  },
};

interface ZodLike {
  toJSONSchema?: (options: Record<string, unknown>) => JsonSchema;
}

function fieldFromJsonPath(path: readonly (string | number)[]): string {
  let out = '';
  for (let i = 0; i < path.length; i++) {
    const step = path[i]!;
    if (step === 'properties' && i + 1 < path.length) {
      const key = String(path[++i]);
      out += out === '' ? key : `.${key}`;
    } else if (step === 'items' || step === 'prefixItems') {
      out += '[]';
      if (step === 'prefixItems' && typeof path[i + 1] === 'number')
        out = `${out.slice(0, -2)}[${path[++i]}]`;
    } else if (step === 'additionalProperties') {
      out += '[key]';
    }
  }
  return out === '' ? '(root)' : out;
}

/** Finds the deepest field of a zod schema that JSON Schema cannot express. */
function findUnrepresentableField(schema: ZodLike): string | undefined {
  let deepest: readonly (string | number)[] | undefined;
  try {
    schema.toJSONSchema?.({
      io: 'output',
      unrepresentable: 'any',
      override: (ctx: { zodSchema: ZodLike; path: (string | number)[] }) => {
        try {
          ctx.zodSchema.toJSONSchema?.({ io: 'output', unrepresentable: 'throw', cycles: 'ref' });
        } catch {
          if (!deepest || ctx.path.length >= deepest.length) deepest = [...ctx.path];
        }
      },
    });
  } catch {
    return undefined;
  }
  return deepest ? fieldFromJsonPath(deepest) : undefined;
}

/** Finds the field of an arktype object schema that JSON cannot carry, through its `props`. */
function findArktypeField(schema: AnySchema): string | undefined {
  let props: unknown;
  try {
    props = (schema as { props?: unknown }).props; // arktype throws for a non-object type
  } catch {
    return undefined;
  }
  if (!Array.isArray(props)) return undefined;
  for (const prop of props as { key?: unknown; value?: unknown }[]) {
    if (typeof prop.key !== 'string' || !isStandardSchema(prop.value)) continue;
    const inner = jsonSchemaOf(prop.value);
    if (!inner.ok) return inner.field === undefined ? prop.key : `${prop.key}.${inner.field}`;
  }
  return undefined;
}

const cache = new WeakMap<object, JsonSchemaResult>();

/**
 * The JSON Schema of a schema's output, through Standard JSON Schema (`~standard.jsonSchema`,
 * which zod 4 and arktype implement). The `$schema` keyword is dropped so documents embed it.
 */
export function jsonSchemaOf(schema: AnySchema): JsonSchemaResult {
  const cached = cache.get(schema);
  if (cached) return cached;
  const props = schema['~standard'] as StandardJsonSchemaProps & { vendor: string };
  let result: JsonSchemaResult;
  if (typeof props.jsonSchema?.output !== 'function') {
    result = {
      ok: false,
      unsupported: true,
      reason: `a ${props.vendor} schema without Standard JSON Schema support cannot be expressed as JSON Schema`,
    };
  } else {
    try {
      const options = props.vendor === 'arktype' ? ARKTYPE_OPTIONS : { target: 'draft-2020-12' };
      const { $schema: _drop, ...rest } = props.jsonSchema.output(options);
      result = { ok: true, schema: rest };
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      const field =
        props.vendor === 'arktype' ? findArktypeField(schema) : findUnrepresentableField(schema as ZodLike);
      result = { ok: false, reason, field };
    }
  }
  cache.set(schema, result);
  return result;
}

/** The JSON Schema of one stream. Parts a schema library cannot express are `null`. */
export interface StreamJsonSchema {
  path: string;
  description?: string;
  params: JsonSchema | null;
  query: JsonSchema | null;
  events: { [event: string]: JsonSchema | null };
}

/** The JSON Schema of a whole contract, stream by stream. */
export interface ContractJsonSchema {
  streams: { [stream: string]: StreamJsonSchema };
  /** `stream.part` entries whose schema could not be expressed (e.g. valibot without a converter). */
  unexpressed: string[];
}

function pathParamsSchema(names: readonly string[]): JsonSchema | null {
  if (names.length === 0) return null;
  return {
    type: 'object',
    properties: Object.fromEntries(names.map((name) => [name, { type: 'string' }])),
    required: [...names],
    additionalProperties: false,
  };
}

/**
 * The canonical JSON Schema of a contract: stream names, paths, params, query and event schemas,
 * in sorted key order. `fingerprint` hashes it.
 */
export function toJsonSchema(contract: AnyContract): ContractJsonSchema {
  const unexpressed: string[] = [];
  const express = (schema: AnySchema | undefined, where: string): JsonSchema | null => {
    if (!schema) return null;
    const result = jsonSchemaOf(schema);
    if (result.ok) return result.schema;
    unexpressed.push(where);
    return null;
  };
  const streams: { [stream: string]: StreamJsonSchema } = {};
  for (const name of Object.keys(contract.streams).sort()) {
    const stream = contract.streams[name]!;
    const events: { [event: string]: JsonSchema | null } = {};
    for (const event of Object.keys(stream.events).sort()) {
      events[event] = express(stream.events[event], `${name}.events.${event}`);
    }
    const paramNames = pathParams(stream.path);
    streams[name] = {
      path: stream.path,
      ...(stream.description === undefined ? {} : { description: stream.description }),
      params: stream.params ? express(stream.params, `${name}.params`) : pathParamsSchema(paramNames),
      query: express(stream.query, `${name}.query`),
      events,
    };
  }
  return { streams, unexpressed };
}
