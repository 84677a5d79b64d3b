import { ts } from 'ts-morph';

/** The key of zod's `$brand` (and valibot's brand symbol): a unique symbol whose name mentions "brand". */
const BRAND_KEY = /^__@.*brand.*@\d+$/i;

/**
 * The brand names of an intersection member like zod's `$brand<'UserId'>` (an object with one
 * unique-symbol property whose value's keys are the brands), or `undefined` for any other type.
 */
export function brandNames(checker: ts.TypeChecker, member: ts.Type): (string | number)[] | undefined {
  if (!(member.flags & ts.TypeFlags.Object)) return undefined;
  const properties = checker.getPropertiesOfType(member);
  const property = properties[0];
  if (properties.length !== 1 || !property || !BRAND_KEY.test(String(property.escapedName))) return undefined;
  const keys: (string | number)[] = [];
  for (const key of checker.getPropertiesOfType(checker.getTypeOfSymbol(property))) {
    keys.push(/^(0|[1-9][0-9]*)$/.test(key.name) ? Number(key.name) : key.name);
  }
  return keys.length > 0 ? keys : undefined;
}
