import { ts } from 'ts-morph';
import { brandNames } from './brand-type.ts';
import { TidingsCodegenError } from './errors.ts';
import { appendField } from './field-path.ts';
import { isIdentifier, type NameRegistry, pascalCase } from './names.ts';
import { isReadonlyProperty } from './readonly-property.ts';
import type {
  IndexModel,
  PropertyModel,
  TupleElementModel,
  TypeDeclaration,
  TypeModel,
} from './type-model.ts';

const MAX_DEPTH = 100;
const FORMAT = ts.TypeFormatFlags.NoTruncation | ts.TypeFormatFlags.UseSingleQuotesForStringLiteralType;

interface Frame {
  hint: string;
  name: string | undefined;
  recursive: boolean;
  /** Set on the outermost type of a root declaration: its name if it turns out to be recursive. */
  rootName: string | undefined;
}

/**
 * Turns checker types into `TypeModel`s. Types that refer to themselves (`z.lazy`, getters) become
 * named declarations in `helpers`, named after their interface or type alias, else after where they
 * were first met.
 */
export class TypeWalker {
  /** Named declarations of recursive types, in the order they were found. */
  readonly helpers: TypeDeclaration[] = [];
  /** True once a branded type was seen: the module then declares `Brand`. */
  usesBrand = false;

  readonly #checker: ts.TypeChecker;
  readonly #program: ts.Program;
  readonly #names: NameRegistry;
  readonly #active = new Map<ts.Type, Frame>();
  readonly #named = new Map<ts.Type, string>();
  #depth = 0;
  #rootName: string | undefined;

  constructor(program: ts.Program, names: NameRegistry) {
    this.#program = program;
    this.#checker = program.getTypeChecker();
    this.#names = names;
  }

  /**
   * Declares `name` as the model of `type` (a params or event payload type). A recursive root keeps
   * its own name (unless it is an interface or alias of the contract's, whose name is kept instead).
   */
  declareRoot(type: ts.Type, name: string, where: string, doc?: string): TypeDeclaration {
    this.#rootName = name;
    let model: TypeModel;
    try {
      model = this.walk(type, name, where);
    } finally {
      this.#rootName = undefined;
    }
    if (model.kind === 'ref' && model.name === name) {
      const index = this.helpers.findIndex((helper) => helper.name === name);
      const [helper] = this.helpers.splice(index, 1);
      if (helper) model = helper.type;
    }
    return { name, type: model, doc };
  }

  /** The model of `type`; `hint` names recursive types found here, `where` names the spot in errors. */
  walk(type: ts.Type, hint: string, where: string): TypeModel {
    if (this.#depth >= MAX_DEPTH) {
      this.#fail(
        where,
        `is nested more than ${MAX_DEPTH} levels deep; give a recursive schema an explicit type (z.ZodType<YourInterface>)`,
      );
    }
    this.#depth++;
    try {
      return this.#walk(type, hint, where);
    } finally {
      this.#depth--;
    }
  }

  #fail(where: string, problem: string): never {
    throw new TidingsCodegenError(`@tidings/codegen: ${where} ${problem}.`);
  }

  #text(type: ts.Type): string {
    return this.#checker.typeToString(type, undefined, FORMAT);
  }

  #walk(type: ts.Type, hint: string, where: string): TypeModel {
    const { flags } = type;
    if (flags & ts.TypeFlags.Any) return { kind: 'keyword', keyword: 'any' };
    if (flags & ts.TypeFlags.Unknown) return { kind: 'keyword', keyword: 'unknown' };
    if (flags & ts.TypeFlags.Never) return { kind: 'keyword', keyword: 'never' };
    if (flags & ts.TypeFlags.String) return { kind: 'keyword', keyword: 'string' };
    if (flags & ts.TypeFlags.Number) return { kind: 'keyword', keyword: 'number' };
    if (flags & ts.TypeFlags.BigInt) return { kind: 'keyword', keyword: 'bigint' };
    if (flags & ts.TypeFlags.Boolean) return { kind: 'keyword', keyword: 'boolean' };
    if (flags & ts.TypeFlags.Null) return { kind: 'keyword', keyword: 'null' };
    if (flags & (ts.TypeFlags.Undefined | ts.TypeFlags.Void))
      return { kind: 'keyword', keyword: 'undefined' };
    if (flags & ts.TypeFlags.ESSymbolLike) return { kind: 'keyword', keyword: 'symbol' };
    if (flags & ts.TypeFlags.NonPrimitive) return { kind: 'keyword', keyword: 'object' };
    if (flags & ts.TypeFlags.StringLiteral)
      return { kind: 'literal', value: (type as ts.StringLiteralType).value };
    if (flags & ts.TypeFlags.NumberLiteral)
      return { kind: 'literal', value: (type as ts.NumberLiteralType).value };
    if (flags & ts.TypeFlags.BooleanLiteral) return { kind: 'literal', value: this.#text(type) === 'true' };
    if (flags & ts.TypeFlags.BigIntLiteral) {
      const { negative, base10Value } = (type as ts.BigIntLiteralType).value;
      return { kind: 'raw', text: `${negative ? '-' : ''}${base10Value}n` };
    }
    if (flags & (ts.TypeFlags.TemplateLiteral | ts.TypeFlags.StringMapping)) {
      return { kind: 'raw', text: this.#text(type) };
    }
    if (flags & (ts.TypeFlags.Union | ts.TypeFlags.Intersection | ts.TypeFlags.Object)) {
      return this.#structured(type, hint, where);
    }
    return this.#fail(
      where,
      `has the type ${this.#text(type)}, which is not a plain data type (an unresolved generic?)`,
    );
  }

  /** Unions, intersections and objects: the types that can refer to themselves. */
  #structured(type: ts.Type, hint: string, where: string): TypeModel {
    const known = this.#named.get(type);
    if (known !== undefined) return { kind: 'ref', name: known };
    const active = this.#active.get(type);
    if (active) {
      active.recursive = true;
      if (active.name === undefined) {
        const preferred = this.#userName(type);
        active.name =
          preferred !== undefined || active.rootName === undefined
            ? this.#names.allocate(preferred ?? active.hint)
            : active.rootName;
      }
      return { kind: 'ref', name: active.name };
    }
    const frame: Frame = { hint, name: undefined, recursive: false, rootName: this.#rootName };
    this.#rootName = undefined;
    this.#active.set(type, frame);
    let model: TypeModel;
    try {
      model = this.#build(type, hint, where);
    } finally {
      this.#active.delete(type);
    }
    if (!frame.recursive || frame.name === undefined) return model;
    this.#named.set(type, frame.name);
    this.helpers.push({ name: frame.name, type: model, doc: 'A recursive type of the contract.' });
    return { kind: 'ref', name: frame.name };
  }

  /** The name of the contract's own interface or type alias for `type`, if it has one. */
  #userName(type: ts.Type): string | undefined {
    const symbol = type.aliasSymbol ?? type.getSymbol();
    const named = ts.SymbolFlags.Interface | ts.SymbolFlags.TypeAlias | ts.SymbolFlags.Class;
    const declaredByUser = (symbol?.declarations ?? []).some(
      (declaration) => !declaration.getSourceFile().isDeclarationFile,
    );
    if (symbol && symbol.flags & named && declaredByUser && isIdentifier(symbol.name)) return symbol.name;
    return undefined;
  }

  #build(type: ts.Type, hint: string, where: string): TypeModel {
    if (type.isUnion()) return this.#union(type.types, hint, where);
    if (type.isIntersection()) return this.#intersection(type, hint, where);
    const checker = this.#checker;
    if (checker.isTupleType(type)) return this.#tuple(type as ts.TupleTypeReference, hint, where);
    if (checker.isArrayType(type)) {
      const element = checker.getTypeArguments(type as ts.TypeReference)[0];
      const readonly = (type as ts.TypeReference).target.getSymbol()?.name === 'ReadonlyArray';
      return {
        kind: 'array',
        element: element
          ? this.walk(element, `${hint}Item`, appendField(where, '[]'))
          : { kind: 'keyword', keyword: 'unknown' },
        readonly,
      };
    }
    return this.#object(type, hint, where);
  }

  #union(types: readonly ts.Type[], hint: string, where: string): TypeModel {
    const members: TypeModel[] = [];
    let booleans = 0;
    for (const member of types) {
      if (member.flags & ts.TypeFlags.BooleanLiteral) booleans++;
    }
    let addedBoolean = false;
    for (const member of types) {
      if (booleans === 2 && member.flags & ts.TypeFlags.BooleanLiteral) {
        if (!addedBoolean) members.push({ kind: 'keyword', keyword: 'boolean' });
        addedBoolean = true;
        continue;
      }
      members.push(this.walk(member, hint, where));
    }
    return members.length === 1 ? members[0]! : { kind: 'union', members };
  }

  #intersection(type: ts.IntersectionType, hint: string, where: string): TypeModel {
    const brands: (string | number)[] = [];
    const rest: ts.Type[] = [];
    for (const member of type.types) {
      const keys = brandNames(this.#checker, member);
      if (keys) brands.push(...keys);
      else rest.push(member);
    }
    const members = rest.map((member) => this.walk(member, hint, where));
    const base: TypeModel =
      members.length === 1
        ? members[0]!
        : members.length === 0
          ? { kind: 'keyword', keyword: 'unknown' }
          : { kind: 'intersection', members };
    if (brands.length === 0) return base;
    this.usesBrand = true;
    return { kind: 'brand', base, brands };
  }

  #tuple(type: ts.TupleTypeReference, hint: string, where: string): TypeModel {
    const target = type.target;
    const args = this.#checker.getTypeArguments(type);
    const labels = target.labeledElementDeclarations;
    const elements: TupleElementModel[] = args.map((arg, index) => {
      const flag = target.elementFlags[index] ?? ts.ElementFlags.Required;
      const mode =
        flag & (ts.ElementFlags.Rest | ts.ElementFlags.Variadic)
          ? 'rest'
          : flag & ts.ElementFlags.Optional
            ? 'optional'
            : 'required';
      const label = labels?.[index]?.name;
      return {
        type: this.walk(arg, `${hint}Item${index}`, appendField(where, `[${index}]`)),
        mode,
        label: label && ts.isIdentifier(label) ? label.text : undefined,
      };
    });
    return { kind: 'tuple', elements, readonly: target.readonly };
  }

  #object(type: ts.Type, hint: string, where: string): TypeModel {
    const checker = this.#checker;
    if (type.getCallSignatures().length > 0 || type.getConstructSignatures().length > 0) {
      this.#fail(where, `is a function (${this.#text(type)}), which has no JSON form`);
    }
    const symbol = type.getSymbol();
    const fromLib = (symbol?.declarations ?? []).some((declaration) =>
      this.#program.isSourceFileDefaultLibrary(declaration.getSourceFile()),
    );
    if (symbol && fromLib && symbol.flags & (ts.SymbolFlags.Interface | ts.SymbolFlags.Class)) {
      this.#fail(
        where,
        `is a ${symbol.name}, which has no JSON form (use z.string().datetime() for dates, arrays and objects for collections)`,
      );
    }
    const properties: PropertyModel[] = [];
    for (const property of checker.getPropertiesOfType(type)) {
      const name = property.name;
      if (String(property.escapedName).startsWith('__@') || String(property.escapedName).startsWith('__#'))
        continue;
      const optional = (property.flags & ts.SymbolFlags.Optional) !== 0;
      const at = appendField(where, name);
      const doc = ts.displayPartsToString(property.getDocumentationComment(checker)).trim();
      properties.push({
        name,
        type: this.#propertyType(
          checker.getTypeOfSymbol(property),
          optional,
          `${hint}${pascalCase(name)}`,
          at,
        ),
        optional,
        readonly: isReadonlyProperty(property),
        doc: doc === '' ? undefined : doc,
      });
    }
    const indexes: IndexModel[] = checker.getIndexInfosOfType(type).map((info) => ({
      key: this.walk(info.keyType, `${hint}Key`, appendField(where, '[key]')),
      value: this.walk(info.type, `${hint}Value`, appendField(where, '[key]')),
      readonly: info.isReadonly,
    }));
    return { kind: 'object', properties, indexes };
  }

  /** An optional property's type without the `undefined` that `?` itself adds (kept when written out). */
  #propertyType(type: ts.Type, optional: boolean, hint: string, where: string): TypeModel {
    if (!optional || !type.isUnion()) return this.walk(type, hint, where);
    const undefinedType = this.#checker.getUndefinedType();
    const kept = type.types.filter(
      (member) => !(member.flags & ts.TypeFlags.Undefined) || member === undefinedType,
    );
    if (kept.length === type.types.length) return this.walk(type, hint, where);
    if (kept.length === 1) return this.walk(kept[0]!, hint, where);
    return this.#union(kept, hint, where);
  }
}
