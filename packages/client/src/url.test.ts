import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { TidingsContractError } from './index.ts';
import { topicUrl } from './url.ts';

const ticker = { path: '/ticker/:symbol', params: ['symbol'], events: ['quote'] };
const book = { path: '/book/:venue/:symbol', params: ['venue', 'symbol'], events: ['level'] };

describe('topicUrl', () => {
  test('fills params, trims the base slash, appends the query', () => {
    expect(
      topicUrl('http://h/streams/', 'ticker', ticker, { symbol: 'ACME' }, { depth: 5, x: undefined }),
    ).toBe('http://h/streams/ticker/ACME?depth=5');
    expect(topicUrl('/s', 'book', book, { venue: 'XNYS', symbol: 'A B' }, { tag: ['a', 'b'] })).toBe(
      '/s/book/XNYS/A%20B?tag=a&tag=b',
    );
  });

  test('a param value stays inside its own path segment', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1 }), (symbol) => {
        fc.pre(symbol !== '.' && symbol !== '..');
        const url = new URL(topicUrl('http://h/streams', 'ticker', ticker, { symbol }, undefined));
        const segments = url.pathname.split('/');
        expect(segments).toHaveLength(4);
        expect(decodeURIComponent(segments[3]!)).toBe(symbol);
        expect(url.search).toBe('');
      }),
    );
  });

  test('a missing, empty or dot-segment param is a TidingsContractError naming stream and param', () => {
    expect(() => topicUrl('http://h', 'ticker', ticker, {}, undefined)).toThrow(
      /^@tidings\/client: stream "ticker" needs param "symbol" for "\/ticker\/:symbol" \(a non-empty string, not "\." or "\.\."\), got undefined\.$/,
    );
    for (const symbol of ['', '.', '..']) {
      expect(() => topicUrl('http://h', 'ticker', ticker, { symbol }, undefined)).toThrow(
        TidingsContractError,
      );
    }
    expect(() => topicUrl('http://h', 'ticker', ticker, { symbol: { a: 1 } }, undefined)).toThrow(
      /got \{"a":1\}/,
    );
  });
});
