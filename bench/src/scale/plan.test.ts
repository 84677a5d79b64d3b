import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  CONNECTIONS_PER_SOURCE,
  rotate,
  scaleShapes,
  shareOut,
  sourceAddresses,
  topicSymbol,
  topicSymbols,
} from './plan.ts';

describe('shareOut', () => {
  it('splits a total as evenly as it can, the larger shares first', () => {
    expect(shareOut(10, 3)).toEqual([4, 3, 3]);
    expect(shareOut(2, 4)).toEqual([1, 1, 0, 0]);
    expect(shareOut(0, 2)).toEqual([0, 0]);
  });

  it('always adds up to the total, shares at most one apart', () => {
    fc.assert(
      fc.property(fc.nat(1_000_000), fc.integer({ min: 1, max: 64 }), (total, parts) => {
        const shares = shareOut(total, parts);
        expect(shares).toHaveLength(parts);
        expect(shares.reduce((a, b) => a + b, 0)).toBe(total);
        expect(Math.max(...shares) - Math.min(...shares)).toBeLessThanOrEqual(1);
      }),
    );
  });

  it('refuses what cannot be shared', () => {
    expect(() => shareOut(5, 0)).toThrow(/cannot share 5 out over 0 parts/);
    expect(() => shareOut(-1, 2)).toThrow();
  });
});

describe('sourceAddresses', () => {
  it('gives each load generator its own addresses, none of them 127.0.0.1', () => {
    const lists = sourceAddresses([16_667, 16_667, 16_666]);
    expect(lists).toEqual([
      ['127.0.0.10', '127.0.0.11', '127.0.0.12'],
      ['127.0.0.13', '127.0.0.14', '127.0.0.15'],
      ['127.0.0.16', '127.0.0.17', '127.0.0.18'],
    ]);
  });

  it('keeps every address under its share of connections', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 19_500 }), { minLength: 1, maxLength: 8 }), (counts) => {
        const lists = sourceAddresses(counts);
        const all = lists.flat();
        expect(new Set(all).size).toBe(all.length);
        lists.forEach((list, i) => {
          expect(list.length).toBeGreaterThanOrEqual(1);
          expect(counts[i]! / list.length).toBeLessThanOrEqual(CONNECTIONS_PER_SOURCE);
        });
      }),
    );
  });

  it('fails once the 127.0.0.x addresses run out', () => {
    expect(() => sourceAddresses([CONNECTIONS_PER_SOURCE * 300])).toThrow(/more source addresses/);
  });
});

describe('topicSymbol', () => {
  it('names topics with three or more capital letters', () => {
    expect(topicSymbols(3)).toEqual(['AAA', 'AAB', 'AAC']);
    expect(topicSymbol(26)).toBe('ABA');
    expect(topicSymbol(26 ** 3)).toBe('BAAA');
  });

  it('is injective and matches the params schema', () => {
    const symbols = topicSymbols(20_000);
    expect(new Set(symbols).size).toBe(symbols.length);
    for (const symbol of symbols) expect(symbol).toMatch(/^[A-Z]{1,5}$/);
  });

  it('refuses an index with no five-letter symbol', () => {
    expect(() => topicSymbol(26 ** 5)).toThrow(/no topic symbol/);
    expect(() => topicSymbol(-1)).toThrow();
  });
});

describe('scaleShapes and rotate', () => {
  it('lists every topic on one instance, then on the next', () => {
    expect(scaleShapes([1, 2], ['AAA', 'AAB'], '/streams')).toEqual([
      [{ port: 1, path: '/streams/ticker/AAA' }],
      [{ port: 1, path: '/streams/ticker/AAB' }],
      [{ port: 2, path: '/streams/ticker/AAA' }],
      [{ port: 2, path: '/streams/ticker/AAB' }],
    ]);
  });

  it('gives every instance as many clients of each topic', () => {
    const shapes = scaleShapes([1, 2, 3], topicSymbols(10), '');
    const counts = new Map<string, number>();
    for (let client = 0; client < 3 * 10 * 7; client++) {
      const [endpoint] = shapes[client % shapes.length]!;
      const key = `${endpoint!.port}${endpoint!.path}`;
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
    expect(new Set(counts.values())).toEqual(new Set([7]));
  });

  it('rotates so that a load generator starting at client g opens what client g would', () => {
    expect(rotate(['a', 'b', 'c'], 1)).toEqual(['b', 'c', 'a']);
    expect(rotate(['a', 'b', 'c'], 7)).toEqual(['b', 'c', 'a']);
    expect(rotate([], 3)).toEqual([]);
    fc.assert(
      fc.property(fc.array(fc.nat(), { minLength: 1 }), fc.nat(), fc.nat(), (list, offset, i) => {
        const rotated = rotate(list, offset);
        expect(rotated[i % rotated.length]).toBe(list[(offset + i) % list.length]);
      }),
    );
  });
});
