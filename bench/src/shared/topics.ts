import { MULTIPLEX_PATH, type MultiplexEntry, SUBSCRIPTIONS_QUERY } from '@tidings/contract/wire';

/**
 * Scenario G's topics: ten symbols of the ticker stream. Every client subscribes to all of
 * them and the emitter spreads its events over them round-robin, so every client receives
 * every event.
 */
export const TOPIC_SYMBOLS: readonly string[] = [
  'AAA',
  'BBB',
  'CCC',
  'DDD',
  'EEE',
  'FFF',
  'GGG',
  'HHH',
  'JJJ',
  'KKK',
];

/** The path of one ticker topic under the plugin's prefix: `/streams/ticker/AAA`. */
export function tickerPath(prefix: string, symbol: string): string {
  return `${prefix}/ticker/${encodeURIComponent(symbol)}`;
}

/** The subscription list of one multiplexed connection to the ticker topics, each keyed by its symbol. */
export function multiplexEntries(symbols: readonly string[]): MultiplexEntry[] {
  return symbols.map((symbol) => ({ k: symbol, s: 'ticker', p: { symbol } }));
}

/** The path of one multiplexed connection carrying every symbol: `/streams/@tidings?s=<URL-encoded JSON list>`. */
export function multiplexPath(prefix: string, symbols: readonly string[]): string {
  const list = encodeURIComponent(JSON.stringify(multiplexEntries(symbols)));
  return `${prefix}${MULTIPLEX_PATH}?${SUBSCRIPTIONS_QUERY}=${list}`;
}
