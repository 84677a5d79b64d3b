import { ts } from 'ts-morph';

// CheckFlags are internal to TypeScript; these two values have been stable since TypeScript 3.x.
const CHECK_FLAGS_READONLY = 1 << 3;
const CHECK_FLAGS_MAPPED = 1 << 18;

function checkFlags(symbol: ts.Symbol): number {
  const internal = ts as unknown as { getCheckFlags?: (symbol: ts.Symbol) => number };
  if (typeof internal.getCheckFlags === 'function') return internal.getCheckFlags(symbol);
  return (symbol as { links?: { checkFlags?: number } }).links?.checkFlags ?? 0;
}

/** True for a `readonly` property: declared so, a getter without setter, or made so by a mapped type. */
export function isReadonlyProperty(symbol: ts.Symbol): boolean {
  const flags = checkFlags(symbol);
  if (flags & CHECK_FLAGS_READONLY) return true;
  if (flags & CHECK_FLAGS_MAPPED) return false;
  if (symbol.flags & ts.SymbolFlags.GetAccessor && !(symbol.flags & ts.SymbolFlags.SetAccessor)) return true;
  return (symbol.declarations ?? []).some(
    (declaration) => (ts.getCombinedModifierFlags(declaration) & ts.ModifierFlags.Readonly) !== 0,
  );
}
