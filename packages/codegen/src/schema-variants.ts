import { canonicalJson } from '@tidings/contract';

/** A JSON Schema or one of its sub-schemas (`true` and `false` are schemas too). */
export type SchemaNode = boolean | { readonly [keyword: string]: unknown };

/** A numeric bound: `minimum`/`maximum`, or their exclusive forms. */
export interface Bound {
  readonly value: number;
  readonly exclusive: boolean;
}

/**
 * One alternative of a schema, by kind: `anyOf`/`oneOf` members, the types of a `type` array and each
 * `enum`/`const` value become separate variants. `extra` is the canonical JSON of keywords the
 * comparison does not model, compared for equality only.
 */
export type Variant =
  | { readonly kind: 'any' }
  | { readonly kind: 'null' }
  | { readonly kind: 'boolean' }
  | { readonly kind: 'literal'; readonly value: unknown }
  | {
      readonly kind: 'number';
      readonly integer: boolean;
      readonly min: Bound | undefined;
      readonly max: Bound | undefined;
      readonly multipleOf: number | undefined;
      readonly extra: string;
    }
  | {
      readonly kind: 'string';
      readonly minLength: number;
      readonly maxLength: number;
      readonly pattern: string | undefined;
      readonly format: string | undefined;
      readonly extra: string;
    }
  | {
      readonly kind: 'array';
      readonly items: SchemaNode;
      readonly prefixItems: readonly SchemaNode[];
      readonly minItems: number;
      readonly maxItems: number;
      readonly uniqueItems: boolean;
      readonly extra: string;
    }
  | {
      readonly kind: 'object';
      readonly properties: ReadonlyMap<string, SchemaNode>;
      readonly required: ReadonlySet<string>;
      /** Properties whose schema has a `default`: always present in output, optional in input. */
      readonly defaults: ReadonlySet<string>;
      /** The schema of undeclared keys when it is a real schema (a record's values); else undefined. */
      readonly additional: SchemaNode | undefined;
      readonly propertyNames: SchemaNode | undefined;
      readonly extra: string;
    }
  | { readonly kind: 'opaque'; readonly schema: string };

/** Keywords that describe a schema without constraining its values. */
const ANNOTATIONS = new Set([
  'title',
  'description',
  'examples',
  'deprecated',
  'readOnly',
  'writeOnly',
  '$comment',
  '$schema',
  '$id',
  '$anchor',
  '$defs',
  'definitions',
  'default',
]);

/** Keywords whose value is a schema, a list of schemas, or a map of schemas. */
const ONE_SCHEMA = new Set([
  'items',
  'additionalProperties',
  'propertyNames',
  'not',
  'contains',
  'if',
  'then',
  'else',
  'unevaluatedItems',
  'unevaluatedProperties',
]);
const SCHEMA_LISTS = new Set(['anyOf', 'oneOf', 'allOf', 'prefixItems']);
const SCHEMA_MAPS = new Set(['properties', 'patternProperties', '$defs', 'definitions', 'dependentSchemas']);

const NUMBER_KEYWORDS = new Set([
  'type',
  'minimum',
  'maximum',
  'exclusiveMinimum',
  'exclusiveMaximum',
  'multipleOf',
]);
const STRING_KEYWORDS = new Set(['type', 'minLength', 'maxLength', 'pattern', 'format']);
const ARRAY_KEYWORDS = new Set(['type', 'items', 'prefixItems', 'minItems', 'maxItems', 'uniqueItems']);
const OBJECT_KEYWORDS = new Set(['type', 'properties', 'required', 'additionalProperties', 'propertyNames']);
const MAX_DEPTH = 64;

function isObject(value: unknown): value is { readonly [keyword: string]: unknown } {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A schema without annotations, at every depth (property names are kept: only schema keywords go). */
export function withoutAnnotations(node: unknown): unknown {
  if (!isObject(node)) return node;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(node)) {
    if (ANNOTATIONS.has(key) && key !== '$defs' && key !== 'definitions') continue;
    if (ONE_SCHEMA.has(key)) out[key] = withoutAnnotations(value);
    else if (SCHEMA_LISTS.has(key) && Array.isArray(value)) out[key] = value.map(withoutAnnotations);
    else if (SCHEMA_MAPS.has(key) && isObject(value)) {
      out[key] = Object.fromEntries(
        Object.entries(value).map(([name, inner]) => [name, withoutAnnotations(inner)]),
      );
    } else out[key] = value;
  }
  return out;
}

/** The canonical text of a schema without its annotations: equal text, equal schema. */
export function schemaKey(node: unknown): string {
  return canonicalJson(withoutAnnotations(node));
}

/** Resolves a local `$ref` (`#`, `#/$defs/a`) against the document it appears in. */
export function resolveRef(root: SchemaNode, ref: string): SchemaNode | undefined {
  if (!ref.startsWith('#')) return undefined;
  let target: unknown = root;
  const pointer = ref.slice(1);
  if (pointer === '') return root;
  if (!pointer.startsWith('/')) return undefined;
  for (const raw of pointer.slice(1).split('/')) {
    const segment = decodeURIComponent(raw).replace(/~1/g, '/').replace(/~0/g, '~');
    if (Array.isArray(target)) target = target[Number(segment)];
    else if (isObject(target)) target = target[segment];
    else return undefined;
  }
  return typeof target === 'boolean' || isObject(target) ? target : undefined;
}

function opaque(node: unknown): Variant {
  return { kind: 'opaque', schema: schemaKey(node) };
}

function literal(value: unknown): Variant {
  return value === null ? { kind: 'null' } : { kind: 'literal', value };
}

function extraOf(schema: { readonly [keyword: string]: unknown }, known: ReadonlySet<string>): string {
  const extra: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(schema)) if (!known.has(key)) extra[key] = value;
  return schemaKey(extra);
}

function numberOf(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

function bound(
  inclusive: unknown,
  exclusive: unknown,
  pick: (a: number, b: number) => boolean,
): Bound | undefined {
  const a = numberOf(inclusive);
  const b = numberOf(exclusive);
  if (a === undefined) return b === undefined ? undefined : { value: b, exclusive: true };
  if (b === undefined) return { value: a, exclusive: false };
  return pick(b, a) ? { value: b, exclusive: true } : { value: a, exclusive: false };
}

function numberVariant(schema: { readonly [keyword: string]: unknown }, integer: boolean): Variant {
  let min = bound(schema['minimum'], schema['exclusiveMinimum'], (b, a) => b >= a);
  let max = bound(schema['maximum'], schema['exclusiveMaximum'], (b, a) => b <= a);
  // zod writes the safe-integer range on every `.int()`: that is what an integer is in JSON anyway.
  if (integer && min?.value === Number.MIN_SAFE_INTEGER && !min.exclusive) min = undefined;
  if (integer && max?.value === Number.MAX_SAFE_INTEGER && !max.exclusive) max = undefined;
  return {
    kind: 'number',
    integer,
    min,
    max,
    multipleOf: numberOf(schema['multipleOf']),
    extra: extraOf(schema, NUMBER_KEYWORDS),
  };
}

function stringVariant(schema: { readonly [keyword: string]: unknown }): Variant {
  return {
    kind: 'string',
    minLength: numberOf(schema['minLength']) ?? 0,
    maxLength: numberOf(schema['maxLength']) ?? Number.POSITIVE_INFINITY,
    pattern: typeof schema['pattern'] === 'string' ? schema['pattern'] : undefined,
    format: typeof schema['format'] === 'string' ? schema['format'] : undefined,
    extra: extraOf(schema, STRING_KEYWORDS),
  };
}

function arrayVariant(schema: { readonly [keyword: string]: unknown }): Variant {
  const items = schema['items'];
  const prefix = schema['prefixItems'];
  return {
    kind: 'array',
    items: typeof items === 'boolean' || isObject(items) ? items : true,
    prefixItems: Array.isArray(prefix) ? (prefix as SchemaNode[]) : [],
    minItems: numberOf(schema['minItems']) ?? 0,
    maxItems: numberOf(schema['maxItems']) ?? Number.POSITIVE_INFINITY,
    uniqueItems: schema['uniqueItems'] === true,
    extra: extraOf(schema, ARRAY_KEYWORDS),
  };
}

function objectVariant(schema: { readonly [keyword: string]: unknown }): Variant & { kind: 'object' } {
  const properties = new Map<string, SchemaNode>();
  const defaults = new Set<string>();
  const declared = schema['properties'];
  if (isObject(declared)) {
    for (const [name, inner] of Object.entries(declared)) {
      if (typeof inner !== 'boolean' && !isObject(inner)) continue;
      properties.set(name, inner);
      if (isObject(inner) && 'default' in inner) defaults.add(name);
    }
  }
  const required = Array.isArray(schema['required'])
    ? (schema['required'] as unknown[]).filter((name): name is string => typeof name === 'string')
    : [];
  const additional = schema['additionalProperties'];
  const names = schema['propertyNames'];
  return {
    kind: 'object',
    properties,
    required: new Set(required),
    defaults,
    // `false` (zod's output objects), `true` and `{}` (loose objects) carry no typed value: only a
    // record's value schema is one a reader could rely on.
    additional:
      isObject(additional) && Object.keys(withoutAnnotations(additional) as object).length > 0
        ? additional
        : undefined,
    propertyNames: typeof names === 'boolean' || isObject(names) ? names : undefined,
    extra: extraOf(schema, OBJECT_KEYWORDS),
  };
}

/** Merges the object members of an `allOf` (zod's intersections) into one object variant. */
function mergeObjects(parts: readonly (Variant & { kind: 'object' })[]): Variant {
  const properties = new Map<string, SchemaNode>();
  for (const part of parts) {
    for (const [name, schema] of part.properties) {
      const seen = properties.get(name);
      properties.set(name, seen === undefined ? schema : { allOf: [seen, schema] });
    }
  }
  return {
    kind: 'object',
    properties,
    required: new Set(parts.flatMap((part) => [...part.required])),
    defaults: new Set(parts.flatMap((part) => [...part.defaults])),
    additional: parts.find((part) => part.additional !== undefined)?.additional,
    propertyNames: parts.find((part) => part.propertyNames !== undefined)?.propertyNames,
    extra: parts.every((part) => part.extra === '{}') ? '{}' : canonicalJson(parts.map((part) => part.extra)),
  };
}

/** Splits a schema into its variants, resolving local `$ref`s against `root`. */
export function variantsOf(node: SchemaNode, root: SchemaNode, depth = 0): Variant[] {
  if (node === true) return [{ kind: 'any' }];
  if (node === false) return [];
  if (depth > MAX_DEPTH) return [opaque(node)];
  const schema: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(node)) if (!ANNOTATIONS.has(key)) schema[key] = value;

  const { $ref, anyOf, oneOf, allOf, ...rest } = schema;
  if (typeof $ref === 'string') {
    const target = resolveRef(root, $ref);
    if (target === undefined) return [opaque(node)];
    const siblings = { ...rest, ...(anyOf ? { anyOf } : {}), ...(oneOf ? { oneOf } : {}) };
    const parts = allOf === undefined ? [target] : [target, { allOf }];
    return Object.keys(siblings).length === 0 && parts.length === 1
      ? variantsOf(target, root, depth + 1)
      : variantsOf(
          { allOf: [...parts, ...(Object.keys(siblings).length > 0 ? [siblings] : [])] },
          root,
          depth + 1,
        );
  }
  if (Array.isArray(anyOf) || Array.isArray(oneOf)) {
    if (Array.isArray(anyOf) && Array.isArray(oneOf)) return [opaque(node)];
    const members = (Array.isArray(anyOf) ? anyOf : oneOf) as SchemaNode[];
    const base = allOf === undefined ? rest : { ...rest, allOf };
    const merged = Object.keys(base).length === 0;
    return members.flatMap((member) =>
      variantsOf(merged || typeof member === 'boolean' ? member : { ...base, ...member }, root, depth + 1),
    );
  }
  if (Array.isArray(allOf)) {
    const members = [...(allOf as SchemaNode[]), ...(Object.keys(rest).length > 0 ? [rest] : [])];
    const parts = members.map((member) => variantsOf(member, root, depth + 1));
    if (parts.length === 1) return parts[0]!;
    if (parts.every((part) => part.length === 1 && part[0]!.kind === 'object')) {
      return [mergeObjects(parts.map((part) => part[0] as Variant & { kind: 'object' }))];
    }
    return [opaque(node)];
  }
  if ('const' in rest) return [literal(rest['const'])];
  if (Array.isArray(rest['enum'])) return (rest['enum'] as unknown[]).map(literal);
  const type = rest['type'];
  if (Array.isArray(type)) return type.flatMap((one) => variantsOf({ ...rest, type: one }, root, depth + 1));
  switch (type) {
    case 'null':
      return [{ kind: 'null' }];
    case 'boolean':
      return [{ kind: 'boolean' }];
    case 'integer':
      return [numberVariant(rest, true)];
    case 'number':
      return [numberVariant(rest, false)];
    case 'string':
      return [stringVariant(rest)];
    case 'array':
      return [arrayVariant(rest)];
    case 'object':
      return [objectVariant(rest)];
    case undefined:
      break;
    default:
      return [opaque(node)];
  }
  const keys = Object.keys(rest);
  if (keys.length === 0) return [{ kind: 'any' }];
  if (keys.some((key) => OBJECT_KEYWORDS.has(key))) return [objectVariant(rest)];
  if (keys.some((key) => ARRAY_KEYWORDS.has(key))) return [arrayVariant(rest)];
  return [opaque(node)];
}

/** A short name of a variant for messages: `string`, `integer`, `"buy"`, `object`. */
export function describeVariant(variant: Variant): string {
  switch (variant.kind) {
    case 'literal':
      return JSON.stringify(variant.value);
    case 'number':
      return variant.integer ? 'integer' : 'number';
    case 'opaque':
      return 'a schema';
    default:
      return variant.kind;
  }
}

/** The variants of a schema as a type for messages: `string | null`; `nothing` for none. */
export function describeVariants(variants: readonly Variant[]): string {
  if (variants.length === 0) return 'nothing';
  return [...new Set(variants.map(describeVariant))].join(' | ');
}
