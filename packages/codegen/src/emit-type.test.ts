import { describe, expect, test } from 'vitest';
import {
  emitDeclaration,
  emitDocComment,
  emitType,
  propertyKey,
  quoteString,
  sortUnionMembers,
} from './emit-type.ts';
import type { ObjectModel, TypeModel } from './type-model.ts';

const string: TypeModel = { kind: 'keyword', keyword: 'string' };
const number: TypeModel = { kind: 'keyword', keyword: 'number' };
const nul: TypeModel = { kind: 'keyword', keyword: 'null' };
const undef: TypeModel = { kind: 'keyword', keyword: 'undefined' };
/** TypeScript template literal types, written as text (`user-${number}`) without tripping the linter. */
const templateType = (parts: readonly string[]): string => `\`${parts.join('${')}\``;
const lit = (value: string | number | boolean): TypeModel => ({ kind: 'literal', value });
const union = (...members: TypeModel[]): TypeModel => ({ kind: 'union', members });
const object = (
  properties: ObjectModel['properties'],
  indexes: ObjectModel['indexes'] = [],
): ObjectModel => ({
  kind: 'object',
  properties,
  indexes,
});
const prop = (
  name: string,
  type: TypeModel,
  extra: { optional?: boolean; readonly?: boolean; doc?: string } = {},
) => ({
  name,
  type,
  optional: extra.optional ?? false,
  readonly: extra.readonly ?? false,
  doc: extra.doc,
});

describe('quoteString and propertyKey', () => {
  test('single quotes, escaped quotes, backslashes, newlines and line separators', () => {
    expect(quoteString(`it's "a" \\ b\nc\u2028`)).toBe(`'it\\'s "a" \\\\ b\\nc\\u2028'`);
  });

  test('identifiers stay bare, anything else is quoted', () => {
    expect(propertyKey('price')).toBe('price');
    expect(propertyKey('$id_2')).toBe('$id_2');
    expect(propertyKey('status.changed')).toBe("'status.changed'");
    expect(propertyKey('2fa')).toBe("'2fa'");
    expect(propertyKey('')).toBe("''");
  });
});

describe('emitDocComment', () => {
  test('one line, several lines, none, and a comment terminator inside', () => {
    expect(emitDocComment('The price.', '  ')).toBe('  /** The price. */\n');
    expect(emitDocComment('First.\n\nSecond.')).toBe('/**\n * First.\n *\n * Second.\n */\n');
    expect(emitDocComment(undefined)).toBe('');
    expect(emitDocComment('  ')).toBe('');
    expect(emitDocComment('a */ b')).toBe('/** a *\\/ b */\n');
  });
});

describe('emitType', () => {
  test('keywords and literals', () => {
    expect(emitType(string)).toBe('string');
    expect(emitType(lit('low'))).toBe("'low'");
    expect(emitType(lit(-1.5))).toBe('-1.5');
    expect(emitType(lit(false))).toBe('false');
    const userId = templateType(['user-', 'number}']);
    expect(userId).toBe(['`user-', '{number}`'].join('$'));
    expect(emitType({ kind: 'raw', text: userId })).toBe(userId);
  });

  test('unions are sorted: keywords, literals, objects, then null and undefined', () => {
    const members = [
      undef,
      lit('b'),
      nul,
      object([prop('a', string)]),
      lit('a'),
      lit(2),
      lit(1),
      number,
      string,
    ];
    expect(emitType(union(...members))).toBe(
      "string | number | 1 | 2 | 'a' | 'b' | {\n  a: string;\n} | null | undefined",
    );
    expect(sortUnionMembers([lit(true), lit(false)]).map((member) => emitType(member))).toEqual([
      'false',
      'true',
    ]);
  });

  test('arrays parenthesize unions, intersections and readonly arrays', () => {
    expect(emitType({ kind: 'array', element: string, readonly: false })).toBe('string[]');
    expect(emitType({ kind: 'array', element: union(string, nul), readonly: false })).toBe(
      '(string | null)[]',
    );
    expect(emitType({ kind: 'array', element: string, readonly: true })).toBe('readonly string[]');
    expect(
      emitType({
        kind: 'array',
        element: { kind: 'array', element: string, readonly: true },
        readonly: false,
      }),
    ).toBe('(readonly string[])[]');
    expect(
      emitType({ kind: 'array', element: { kind: 'brand', base: string, brands: ['Id'] }, readonly: false }),
    ).toBe("(string & Brand<'Id'>)[]");
  });

  test('tuples: required, optional and rest elements, with labels only when all have one', () => {
    expect(
      emitType({
        kind: 'tuple',
        readonly: false,
        elements: [
          { type: string, mode: 'required' },
          { type: number, mode: 'optional' },
          { type: union(string, number), mode: 'rest' },
        ],
      }),
    ).toBe('[string, number?, ...(string | number)[]]');
    expect(
      emitType({
        kind: 'tuple',
        readonly: true,
        elements: [
          { type: string, mode: 'required', label: 'name' },
          { type: number, mode: 'optional', label: 'age' },
        ],
      }),
    ).toBe('readonly [name: string, age?: number]');
    expect(emitType({ kind: 'tuple', readonly: false, elements: [] })).toBe('[]');
  });

  test('objects: docs, optional and readonly members, quoted keys, index signatures, nesting', () => {
    const model = object(
      [
        prop('price', number, { doc: 'In cents.' }),
        prop('note', union(string, undef), { optional: true }),
        prop('content-type', lit('json'), { readonly: true }),
        prop('nested', object([prop('deep', string)])),
      ],
      [{ key: number, value: string, readonly: true }],
    );
    expect(emitType(model)).toBe(
      [
        '{',
        '  /** In cents. */',
        '  price: number;',
        '  note?: string | undefined;',
        "  readonly 'content-type': 'json';",
        '  nested: {',
        '    deep: string;',
        '  };',
        '  readonly [index: number]: string;',
        '}',
      ].join('\n'),
    );
  });

  test('records and empty objects', () => {
    expect(emitType(object([], [{ key: string, value: number, readonly: false }]))).toBe(
      'Record<string, number>',
    );
    expect(emitType(object([]))).toBe('Record<never, never>');
    const templateKey: TypeModel = { kind: 'raw', text: templateType(['id-', 'string}']) };
    expect(emitType(object([], [{ key: templateKey, value: number, readonly: false }]))).toBe(
      `{\n  [key: ${templateKey.text}]: number;\n}`,
    );
  });

  test('intersections, brands and refs', () => {
    expect(
      emitType({ kind: 'intersection', members: [union(string, number), { kind: 'ref', name: 'Tagged' }] }),
    ).toBe('(string | number) & Tagged');
    expect(emitType({ kind: 'brand', base: number, brands: ['Cents', 'Positive'] })).toBe(
      "number & Brand<'Cents' | 'Positive'>",
    );
    expect(emitType({ kind: 'brand', base: union(string, number), brands: [7] })).toBe(
      '(string | number) & Brand<7>',
    );
  });
});

describe('emitDeclaration', () => {
  test('object types become interfaces', () => {
    expect(emitDeclaration({ name: 'Quote', type: object([prop('price', number)]), doc: 'A quote.' })).toBe(
      '/** A quote. */\nexport interface Quote {\n  price: number;\n}\n',
    );
  });

  test('everything else, maps and empty objects become type aliases', () => {
    expect(emitDeclaration({ name: 'Mode', type: union(lit('on'), lit('off')) })).toBe(
      "export type Mode = 'off' | 'on';\n",
    );
    expect(
      emitDeclaration({
        name: 'Prices',
        type: object([], [{ key: string, value: number, readonly: false }]),
      }),
    ).toBe('export type Prices = Record<string, number>;\n');
    expect(emitDeclaration({ name: 'Empty', type: object([]) })).toBe(
      'export type Empty = Record<never, never>;\n',
    );
  });
});
