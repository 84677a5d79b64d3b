const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

const RESERVED_WORDS = new Set(
  (
    'break case catch class const continue debugger default delete do else enum export extends false ' +
    'finally for function if import in instanceof new null return super switch this throw true try ' +
    'typeof var void while with as implements interface let package private protected public static ' +
    'yield any boolean number string symbol bigint unknown never object undefined type await'
  ).split(' '),
);

/** True when `name` can be written as a bare property key or a type name. */
export function isIdentifier(name: string): boolean {
  return IDENTIFIER.test(name);
}

/** `price.update` → `PriceUpdate`, `order_filled` → `OrderFilled`, `bookLevel` → `BookLevel`. */
export function pascalCase(name: string): string {
  const words = name.split(/[^A-Za-z0-9]+/).filter((word) => word !== '');
  const joined = words.map((word) => word[0]!.toUpperCase() + word.slice(1)).join('');
  if (joined === '') return 'Unnamed';
  return /^[0-9]/.test(joined) ? `_${joined}` : joined;
}

/** `Market` → `market`, `price-feed` → `priceFeed`. */
export function camelCase(name: string): string {
  const pascal = pascalCase(name);
  return pascal[0]!.toLowerCase() + pascal.slice(1);
}

/** Hands out unique type names in a deterministic order: the second `Foo` becomes `Foo2`. */
export class NameRegistry {
  readonly #taken = new Set<string>();

  constructor(reserved: Iterable<string> = []) {
    for (const name of reserved) this.#taken.add(name);
  }

  /** Reserves `base` (made a valid identifier) or the first free `base2`, `base3`, …. */
  allocate(base: string): string {
    let stem = isIdentifier(base) && !RESERVED_WORDS.has(base) ? base : pascalCase(base);
    if (RESERVED_WORDS.has(stem)) stem = `${stem}Type`;
    let name = stem;
    for (let n = 2; this.#taken.has(name); n++) name = `${stem}${n}`;
    this.#taken.add(name);
    return name;
  }
}
