/**
 * At most this many symbols. Every subscription of the page shares one multiplexed connection, so
 * the browser's six HTTP/1.1 connections per host are no limit; the server takes 100 per connection.
 */
export const MAX_SYMBOLS = 50;

const SYMBOL = /^[A-Z]{1,5}$/;
const STORAGE_KEY = 'tidings-market:watchlist';
const DEFAULT_SYMBOLS = ['ACME', 'NOVA', 'ORBIT'];

/** Normalizes user input to a symbol, or explains why it is not one. */
export function parseSymbol(input: string): { ok: true; symbol: string } | { ok: false; reason: string } {
  const symbol = input.trim().toUpperCase();
  return SYMBOL.test(symbol)
    ? { ok: true, symbol }
    : { ok: false, reason: `"${input.trim()}" is not a symbol: use 1 to 5 letters.` };
}

/** The symbols to watch at start: `?symbols=A,B` in the URL, else the last session's, else a default list. */
export function initialSymbols(location: Location, storage: Storage | undefined): string[] {
  const fromUrl = new URLSearchParams(location.search).get('symbols');
  let raw: string[] = DEFAULT_SYMBOLS;
  if (fromUrl !== null) raw = fromUrl.split(',');
  else {
    try {
      const saved: unknown = JSON.parse(storage?.getItem(STORAGE_KEY) ?? 'null');
      if (Array.isArray(saved)) raw = saved.filter((s): s is string => typeof s === 'string');
    } catch {
      // A corrupt entry falls back to the default list.
    }
  }
  const symbols: string[] = [];
  for (const item of raw) {
    const parsed = parseSymbol(item);
    if (parsed.ok && !symbols.includes(parsed.symbol) && symbols.length < MAX_SYMBOLS)
      symbols.push(parsed.symbol);
  }
  return symbols;
}

/** Remembers the watchlist for the next visit. */
export function saveSymbols(storage: Storage | undefined, symbols: readonly string[]): void {
  try {
    storage?.setItem(STORAGE_KEY, JSON.stringify(symbols));
  } catch {
    // Private mode or a full quota: the watchlist just is not remembered.
  }
}
