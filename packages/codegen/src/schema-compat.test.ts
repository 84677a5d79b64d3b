import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { compareSchemas, type SchemaChange } from './schema-compat.ts';
import type { SchemaNode } from './schema-variants.ts';

/** JSON Schemas as zod writes them (no defaults): primitives, bounds, enums, objects, arrays, unions. */
const schemas = fc.letrec<{ node: SchemaNode; object: SchemaNode; array: SchemaNode; union: SchemaNode }>(
  (tie) => ({
    node: fc.oneof(
      { depthSize: 'small', maxDepth: 3 },
      fc.constantFrom<SchemaNode>(
        { type: 'string' },
        { type: 'number' },
        { type: 'integer' },
        { type: 'boolean' },
        { type: 'null' },
        {},
      ),
      fc.integer({ min: 1, max: 4 }).map((maxLength) => ({ type: 'string', maxLength })),
      fc.integer({ min: -2, max: 2 }).map((minimum) => ({ type: 'number', minimum })),
      fc
        .uniqueArray(fc.constantFrom('a', 'b', 'c'), { minLength: 1 })
        .map((values) => ({ type: 'string', enum: values })),
      tie('object'),
      tie('array'),
      tie('union'),
    ),
    object: fc
      .dictionary(fc.constantFrom('x', 'y', 'z'), tie('node'), { maxKeys: 3 })
      .chain((properties) =>
        fc
          .subarray(Object.keys(properties))
          .map((required) => ({ type: 'object', properties, required, additionalProperties: false })),
      ),
    array: fc
      .tuple(tie('node'), fc.option(fc.integer({ min: 0, max: 3 }), { nil: undefined }))
      .map(([items, maxItems]) => ({
        type: 'array',
        items,
        ...(maxItems === undefined ? {} : { maxItems }),
      })),
    union: fc.array(tie('node'), { minLength: 2, maxLength: 3 }).map((anyOf) => ({ anyOf })),
  }),
).node;

/**
 * Each change as `<severity> <field>`. A rename is reported at the old name, and which name is old
 * flips with the direction, so it reads as the pair of names either way.
 */
const verdicts = (changes: readonly SchemaChange[]) =>
  changes
    .map((change) => {
      if (change.kind !== 'field-renamed') return `${change.severity} ${change.field}`;
      const to = /^renamed to "([^"]*)"/.exec(change.message)?.[1] ?? '?';
      const other = change.field.replace(/[^.]*$/, to);
      return `${change.severity} ${[change.field, other].sort().join(' <-> ')}`;
    })
    .sort();

describe('compareSchemas', () => {
  test('a schema compared with itself has no changes, either way', () => {
    fc.assert(
      fc.property(schemas, (schema) => {
        expect(compareSchemas(schema, schema, 'payload')).toEqual([]);
        expect(compareSchemas(schema, schema, 'request')).toEqual([]);
      }),
    );
  });

  test('a payload from A to B breaks exactly where a request from B to A does (both ask: is B within A?)', () => {
    // Seed -1987113164 found a rename, which each direction reports at its own old name.
    const a = {
      type: 'object',
      properties: { x: { type: 'number' } },
      required: [],
      additionalProperties: false,
    };
    const b = {
      type: 'object',
      properties: { z: { type: 'number' } },
      required: [],
      additionalProperties: false,
    };
    expect(verdicts(compareSchemas(a, b, 'payload'))).toEqual(['safe x <-> z']);
    expect(verdicts(compareSchemas(b, a, 'request'))).toEqual(['safe x <-> z']);
    fc.assert(
      fc.property(schemas, schemas, (a, b) => {
        expect(verdicts(compareSchemas(a, b, 'payload'))).toEqual(verdicts(compareSchemas(b, a, 'request')));
      }),
    );
  });

  test('a payload that only narrows is safe, and widening it back breaks', () => {
    const wide = { type: 'object', properties: { n: { type: 'number' } }, required: ['n'] };
    const narrow = { type: 'object', properties: { n: { type: 'integer', minimum: 0 } }, required: ['n'] };
    expect(compareSchemas(wide, narrow, 'payload').map((change) => change.severity)).toEqual([
      'safe',
      'safe',
    ]);
    expect(compareSchemas(narrow, wide, 'payload').map((change) => change.severity)).toEqual([
      'breaking',
      'breaking',
    ]);
  });

  test('an allOf of objects (a zod intersection) is compared as one object', () => {
    const part = (name: string) => ({
      type: 'object',
      properties: { [name]: { type: 'string' } },
      required: [name],
      additionalProperties: false,
    });
    const changes = compareSchemas({ allOf: [part('a'), part('b')] }, { allOf: [part('a')] }, 'payload');
    expect(changes.map((change) => `${change.severity} ${change.kind} ${change.field}`)).toEqual([
      'breaking field-removed b',
    ]);
  });

  test('a literal is accepted by a string whose pattern it matches', () => {
    const before = { type: 'string', pattern: '^[a-z]+$' };
    expect(compareSchemas(before, { const: 'abc' }, 'payload').map((change) => change.severity)).toEqual([
      'safe',
    ]);
    expect(compareSchemas(before, { const: 'ABC' }, 'payload').map((change) => change.kind)).toEqual([
      'value-added',
    ]);
  });
});
