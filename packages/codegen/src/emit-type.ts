import { isIdentifier } from './names.ts';
import type { ObjectModel, TypeDeclaration, TypeModel } from './type-model.ts';

const INDENT = '  ';

/** A single-quoted TypeScript string literal. */
export function quoteString(value: string): string {
  const escaped = JSON.stringify(value)
    .slice(1, -1)
    .replace(/\\"/g, '"')
    .replace(/'/g, "\\'")
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
  return `'${escaped}'`;
}

/** A property key: bare when it is an identifier, quoted otherwise. */
export function propertyKey(name: string): string {
  return isIdentifier(name) ? name : quoteString(name);
}

/** A `/** … *\/` comment at `indent`, one line when the text is one line; empty for no text. */
export function emitDocComment(doc: string | undefined, indent = ''): string {
  const text = doc?.trim().replace(/\*\//g, '*\\/');
  if (!text) return '';
  const lines = text.split(/\r?\n/);
  if (lines.length === 1) return `${indent}/** ${lines[0]} */\n`;
  return `${indent}/**\n${lines.map((line) => `${indent} *${line === '' ? '' : ` ${line}`}`).join('\n')}\n${indent} */\n`;
}

const KEYWORD_ORDER = [
  'string',
  'number',
  'bigint',
  'boolean',
  'symbol',
  'object',
  'unknown',
  'any',
  'never',
];

function unionRank(model: TypeModel): number {
  switch (model.kind) {
    case 'keyword':
      if (model.keyword === 'null') return 90;
      if (model.keyword === 'undefined') return 91;
      return KEYWORD_ORDER.indexOf(model.keyword);
    case 'literal':
      return typeof model.value === 'boolean' ? 10 : typeof model.value === 'number' ? 11 : 12;
    case 'raw':
      return 20;
    case 'brand':
      return 30;
    case 'array':
    case 'tuple':
      return 40;
    case 'ref':
      return 50;
    default:
      return 60;
  }
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Union members in a canonical order (keywords, literals, …, objects, then `null` and `undefined`),
 * so the output never depends on the order in which the checker happened to create types.
 */
export function sortUnionMembers(members: readonly TypeModel[]): TypeModel[] {
  const keyed = members.map((model) => ({ model, rank: unionRank(model), text: emitType(model) }));
  keyed.sort((a, b) => {
    if (a.rank !== b.rank) return a.rank - b.rank;
    if (a.model.kind === 'literal' && b.model.kind === 'literal') {
      const [x, y] = [a.model.value, b.model.value];
      if (typeof x === 'number' && typeof y === 'number') return x - y;
      if (typeof x === 'string' && typeof y === 'string') return compareText(x, y);
    }
    return compareText(a.text, b.text);
  });
  return keyed.map((entry) => entry.model);
}

function needsParens(model: TypeModel, position: 'array' | 'intersection'): boolean {
  if (model.kind === 'union') return true;
  if (position === 'intersection') return false;
  if (model.kind === 'intersection' || model.kind === 'brand') return true;
  return (model.kind === 'array' || model.kind === 'tuple') && model.readonly;
}

function wrap(model: TypeModel, position: 'array' | 'intersection', indent: string): string {
  const text = emitType(model, indent);
  return needsParens(model, position) ? `(${text})` : text;
}

function emitLiteral(value: string | number | boolean): string {
  if (typeof value === 'string') return quoteString(value);
  return String(value);
}

function isOnlyStringIndex(model: ObjectModel): boolean {
  const index = model.indexes[0];
  return (
    model.properties.length === 0 &&
    model.indexes.length === 1 &&
    index !== undefined &&
    !index.readonly &&
    index.key.kind === 'keyword' &&
    index.key.keyword === 'string'
  );
}

/** The members of an object type, one per line at `indent + 2`, each ending in `;`. */
export function emitObjectMembers(model: ObjectModel, indent: string): string {
  const inner = indent + INDENT;
  const lines: string[] = [];
  for (const property of model.properties) {
    const modifiers = property.readonly ? 'readonly ' : '';
    const key = `${modifiers}${propertyKey(property.name)}${property.optional ? '?' : ''}`;
    lines.push(`${emitDocComment(property.doc, inner)}${inner}${key}: ${emitType(property.type, inner)};`);
  }
  for (const index of model.indexes) {
    const keyName = index.key.kind === 'keyword' && index.key.keyword === 'number' ? 'index' : 'key';
    const modifiers = index.readonly ? 'readonly ' : '';
    lines.push(
      `${inner}${modifiers}[${keyName}: ${emitType(index.key, inner)}]: ${emitType(index.value, inner)};`,
    );
  }
  return lines.join('\n');
}

/** An object type: `Record<never, never>` when empty, `Record<string, V>` for a plain map, else a block. */
export function emitObject(model: ObjectModel, indent = ''): string {
  if (model.properties.length === 0 && model.indexes.length === 0) return 'Record<never, never>';
  if (isOnlyStringIndex(model)) return `Record<string, ${emitType(model.indexes[0]!.value, indent)}>`;
  return `{\n${emitObjectMembers(model, indent)}\n${indent}}`;
}

/** A type as TypeScript source; multi-line objects are indented from `indent`. */
export function emitType(model: TypeModel, indent = ''): string {
  switch (model.kind) {
    case 'keyword':
      return model.keyword;
    case 'literal':
      return emitLiteral(model.value);
    case 'raw':
      return model.text;
    case 'ref':
      return model.name;
    case 'array':
      return `${model.readonly ? 'readonly ' : ''}${wrap(model.element, 'array', indent)}[]`;
    case 'tuple': {
      const labelled = model.elements.every((element) => element.label !== undefined);
      const elements = model.elements.map((element) => {
        const label = labelled ? `${element.label}${element.mode === 'optional' ? '?' : ''}: ` : '';
        if (element.mode === 'rest') {
          return `...${labelled ? `${element.label}: ` : ''}${wrap(element.type, 'array', indent)}[]`;
        }
        const type = emitType(element.type, indent);
        return labelled ? `${label}${type}` : `${type}${element.mode === 'optional' ? '?' : ''}`;
      });
      return `${model.readonly ? 'readonly ' : ''}[${elements.join(', ')}]`;
    }
    case 'object':
      return emitObject(model, indent);
    case 'union':
      return sortUnionMembers(model.members)
        .map((member) => emitType(member, indent))
        .join(' | ');
    case 'intersection':
      return model.members.map((member) => wrap(member, 'intersection', indent)).join(' & ');
    case 'brand': {
      const brands = model.brands.map(emitLiteral).join(' | ');
      return `${wrap(model.base, 'intersection', indent)} & Brand<${brands}>`;
    }
  }
}

/** `export interface Name { … }` for object types, `export type Name = …;` for everything else. */
export function emitDeclaration(declaration: TypeDeclaration): string {
  const doc = emitDocComment(declaration.doc);
  const { type } = declaration;
  const empty = type.kind === 'object' && type.properties.length === 0 && type.indexes.length === 0;
  if (type.kind === 'object' && !empty && !isOnlyStringIndex(type)) {
    const members = emitObjectMembers(type, '');
    return `${doc}export interface ${declaration.name} {\n${members}\n}\n`;
  }
  return `${doc}export type ${declaration.name} = ${emitType(type)};\n`;
}
