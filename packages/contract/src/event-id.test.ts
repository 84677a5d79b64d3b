import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import {
  compareEventIds,
  compareParsedIds,
  createEventIdGenerator,
  formatEventId,
  parseEventId,
} from './event-id.ts';

/** Any code point, lone surrogates included (cheaper to set up than `unit: 'binary'`). */
const anyChar = fc.integer({ min: 0, max: 0x10ffff }).map((code) => String.fromCodePoint(code));

const MAX = Number.MAX_SAFE_INTEGER;
const part = fc.oneof(fc.nat({ max: 1000 }), fc.maxSafeNat(), fc.constantFrom(0, 1, MAX, MAX - 1));

describe('createEventIdGenerator', () => {
  test('uses the clock, counts within a millisecond and never goes back', () => {
    const ids = createEventIdGenerator();
    expect(ids.last).toBeNull();
    expect([ids.next(5), ids.next(5), ids.next(3), ids.next(5), ids.next(6), ids.next(0)]).toEqual([
      '5-0',
      '5-1',
      '5-2',
      '5-3',
      '6-0',
      '6-1',
    ]);
    expect(ids.last).toEqual({ ms: 6, seq: 1 });
  });

  test('reads Date.now() by default', () => {
    const before = Date.now();
    const id = parseEventId(createEventIdGenerator().next());
    expect(id).not.toBeNull();
    expect(id!.ms).toBeGreaterThanOrEqual(before);
    expect(id!.ms).toBeLessThanOrEqual(Date.now());
  });

  test('continues after a given id', () => {
    const ids = createEventIdGenerator({ ms: 10, seq: 4 });
    expect(ids.last).toEqual({ ms: 10, seq: 4 });
    expect([ids.next(10), ids.next(9), ids.next(11)]).toEqual(['10-5', '10-6', '11-0']);
  });

  test('a clock that is not a whole number of ms ≥ 0 never breaks the id shape or order', () => {
    const ids = createEventIdGenerator();
    const out = [Number.NaN, -5, 1.5, Number.POSITIVE_INFINITY, 7, Number.NaN].map((now) => ids.next(now));
    expect(out).toEqual(['0-0', '0-1', '0-2', '0-3', '7-0', '7-1']);
  });

  test('100,000 ids in one millisecond are strictly increasing', () => {
    const ids = createEventIdGenerator();
    let previous = ids.next(1_000);
    for (let i = 1; i < 100_000; i++) {
      const id = ids.next(1_000);
      if (compareEventIds(previous, id) !== -1) expect.fail(`${id} does not follow ${previous}`);
      previous = id;
    }
    expect(previous).toBe('1000-99999');
  });

  test('property: strictly increasing whatever the clock does (steps back, stalls, jumps)', () => {
    const clock = fc.oneof(
      fc.integer({ min: 0, max: 2_000_000_000_000 }),
      fc.integer({ min: 0, max: 20 }),
      fc.constantFrom(Number.NaN, -1, 0.5, Number.POSITIVE_INFINITY),
    );
    fc.assert(
      fc.property(fc.array(clock, { minLength: 1, maxLength: 200 }), (times) => {
        const ids = createEventIdGenerator();
        let previous: string | undefined;
        for (const now of times) {
          const id = ids.next(now);
          expect(parseEventId(id)).toEqual(ids.last);
          if (previous !== undefined) expect(compareEventIds(previous, id)).toBe(-1);
          previous = id;
        }
      }),
    );
  });
});

describe('parseEventId and compareEventIds', () => {
  test('property: format then parse is the identity, up to MAX_SAFE_INTEGER', () => {
    fc.assert(
      fc.property(part, part, (ms, seq) => {
        const id = formatEventId({ ms, seq });
        expect(parseEventId(id)).toEqual({ ms, seq });
      }),
    );
  });

  test('property: comparison orders (ms, seq) as a pair of integers', () => {
    fc.assert(
      fc.property(part, part, part, part, (ms1, seq1, ms2, seq2) => {
        const expected = ms1 !== ms2 ? Math.sign(ms1 - ms2) : Math.sign(seq1 - seq2);
        expect(compareEventIds(`${ms1}-${seq1}`, `${ms2}-${seq2}`)).toBe(expected);
        expect(Math.sign(compareParsedIds({ ms: ms1, seq: seq1 }, { ms: ms2, seq: seq2 }))).toBe(expected);
      }),
    );
  });

  test('compares numerically, not as text', () => {
    expect(compareEventIds('9-0', '10-0')).toBe(-1);
    expect(compareEventIds('1-10', '1-9')).toBe(1);
    expect(compareEventIds('1-1', '1-1')).toBe(0);
    expect(compareEventIds(`${MAX}-${MAX}`, `${MAX}-${MAX - 1}`)).toBe(1);
  });

  test.each<[string, string]>(
    [
      '',
      '1',
      '1-',
      '-1',
      '-1-0',
      '1--1',
      '1-2-3',
      '01-1',
      '1-01',
      '00-0',
      '+1-0',
      ' 1-0',
      '1-0 ',
      '1-0\n',
      '1.0-0',
      '1e3-0',
      '0x1-0',
      'Infinity-0',
      'NaN-NaN',
      '١-٠',
      '1_000-0',
      `${MAX + 1}-0`,
      `0-${MAX + 1}`,
      '9007199254740993-0',
      '99999999999999999-0',
      `1-${'0'.repeat(40)}`,
      'a'.repeat(1 << 20),
      `${'1'.repeat(1 << 20)}-0`,
    ].map((value) => [JSON.stringify(value).slice(0, 40), value]),
  )('invalid id %s gives null', (_label, value) => {
    expect(parseEventId(value)).toBeNull();
    expect(compareEventIds(value, '1-0')).toBeNull();
    expect(compareEventIds('1-0', value)).toBeNull();
  });

  test.each([
    undefined,
    null,
    1,
    10n,
    true,
    {},
    [],
    ['1-0'],
    Symbol('1-0'),
    () => '1-0',
    new String('1-0'),
    { toString: () => '1-0' },
  ])('non-string %s gives null', (value) => {
    expect(parseEventId(value)).toBeNull();
  });

  test('the largest id parses', () => {
    expect(parseEventId(`${MAX}-${MAX}`)).toEqual({ ms: MAX, seq: MAX });
    expect(parseEventId('0-0')).toEqual({ ms: 0, seq: 0 });
  });

  test('property: any string parses to null or to an id that formats back to the same string', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string({ unit: anyChar }),
          fc.string({ unit: fc.constantFrom('0', '1', '9', '-', ' ', '+', '.'), maxLength: 20 }),
        ),
        (value) => {
          const parsed = parseEventId(value);
          if (parsed !== null) expect(formatEventId(parsed)).toBe(value);
        },
      ),
      { numRuns: 1000 },
    );
  });
});
