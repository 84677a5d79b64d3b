/** A resolved TypeScript type as the generator sees it: plain data, no checker objects. */
export type TypeModel =
  | KeywordModel
  | LiteralModel
  | RawModel
  | ArrayModel
  | TupleModel
  | ObjectModel
  | UnionModel
  | IntersectionModel
  | BrandModel
  | RefModel;

/** A keyword type. */
export interface KeywordModel {
  kind: 'keyword';
  keyword:
    | 'string'
    | 'number'
    | 'bigint'
    | 'boolean'
    | 'symbol'
    | 'object'
    | 'null'
    | 'undefined'
    | 'unknown'
    | 'any'
    | 'never';
}

/** A string, number or boolean literal type. */
export interface LiteralModel {
  kind: 'literal';
  value: string | number | boolean;
}

/** A self-contained type written as TypeScript source (template literal types, bigint literals). */
export interface RawModel {
  kind: 'raw';
  text: string;
}

/** `T[]` or `readonly T[]`. */
export interface ArrayModel {
  kind: 'array';
  element: TypeModel;
  readonly: boolean;
}

/** One element of a tuple type. */
export interface TupleElementModel {
  type: TypeModel;
  mode: 'required' | 'optional' | 'rest';
  label?: string | undefined;
}

/** `[A, B?, ...C[]]`, possibly readonly. */
export interface TupleModel {
  kind: 'tuple';
  elements: TupleElementModel[];
  readonly: boolean;
}

/** One property of an object type. */
export interface PropertyModel {
  name: string;
  type: TypeModel;
  optional: boolean;
  readonly: boolean;
  /** The property's doc comment in the contract's source, if any. */
  doc?: string | undefined;
}

/** One index signature of an object type. */
export interface IndexModel {
  key: TypeModel;
  value: TypeModel;
  readonly: boolean;
}

/** An object type: properties in declaration order, then index signatures. */
export interface ObjectModel {
  kind: 'object';
  properties: PropertyModel[];
  indexes: IndexModel[];
}

/** `A | B`. */
export interface UnionModel {
  kind: 'union';
  members: TypeModel[];
}

/** `A & B`. */
export interface IntersectionModel {
  kind: 'intersection';
  members: TypeModel[];
}

/** A branded type (`z.string().brand<'UserId'>()`): the base type and the brand names. */
export interface BrandModel {
  kind: 'brand';
  base: TypeModel;
  brands: (string | number)[];
}

/** A reference to a named declaration of the generated module. */
export interface RefModel {
  kind: 'ref';
  name: string;
}

/** A named type of the generated module: an `interface` for object types, a `type` otherwise. */
export interface TypeDeclaration {
  name: string;
  type: TypeModel;
  doc?: string | undefined;
}
