import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { escapeKeyPart, topicKey } from './topic-key.ts';

type ParamValue = string | number | boolean;
interface Topic {
  stream: string;
  params: Record<string, ParamValue>;
}

const TRICKY = [
  '/',
  ':',
  '%',
  '?',
  '&',
  '=',
  '\u0000',
  '\n',
  ' ',
  '+',
  'é',
  'e\u0301',
  '😀',
  '\uD800',
  '\uFFFD',
  's',
  'n',
  '0',
];

/** Strings from every corner: arbitrary code points, the separators and escapes, and the empty string. */
const anyString = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 12 }),
  fc.string({ unit: fc.constantFrom(...TRICKY), maxLength: 6 }),
  fc.constant(''),
);
/** Few distinct pieces (separators, type tags, escape-like text), so generated topics often nearly collide. */
const nearString = fc.string({
  unit: fc.constantFrom('a', '=', '&', '?', '%00', '3f', 's', '1'),
  maxLength: 2,
});

function topicArb(
  strings: fc.Arbitrary<string>,
  names = strings,
  streams = strings,
  maxKeys = 3,
): fc.Arbitrary<Topic> {
  const value = fc.oneof(strings, fc.integer({ min: -3, max: 3 }), fc.boolean());
  return fc.record({
    stream: streams,
    params: fc.dictionary(names, value, { maxKeys, noNullPrototype: true }),
  });
}
const nearTopic = topicArb(nearString, fc.constantFrom('a', 'a=s1'), fc.constantFrom('t', 't?a=s1'), 2);

/** Equal topics: same stream, same param names, same values of the same type. */
function sameTopic(a: Topic, b: Topic): boolean {
  if (a.stream !== b.stream) return false;
  const keys = Object.keys(a.params).sort();
  const other = Object.keys(b.params).sort();
  return (
    keys.length === other.length &&
    keys.every((k, i) => k === other[i] && Object.is(a.params[k], b.params[k]))
  );
}

const key = (topic: Topic) => topicKey(topic.stream, topic.params);

/** The inverse of `topicKey` for string, number and boolean params: it exists only if keys are injective. */
function decodeTopicKey(k: string): Topic {
  const decode = (part: string) =>
    part.replace(/%([0-9a-f]{4})/g, (_m, hex: string) => String.fromCharCode(Number.parseInt(hex, 16)));
  const at = k.indexOf('?');
  const params: Record<string, ParamValue> = {};
  if (at < 0) return { stream: decode(k), params };
  for (const pair of k.slice(at + 1).split('&')) {
    const [name = '', value = ''] = pair.split('=');
    const text = decode(value.slice(1));
    // defineProperty, not assignment: a param named "__proto__" is an own key like any other.
    Object.defineProperty(params, decode(name), {
      value: value[0] === 's' ? text : value[0] === 'n' ? Number(text) : text === '1',
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return { stream: decode(k.slice(0, at)), params };
}

describe('topicKey', () => {
  test('a param named __proto__ is a param like any other (a property test once drew it)', () => {
    const params = JSON.parse('{"__proto__":"x"}') as Record<string, string>;
    expect(topicKey('', params)).toBe('?__proto__=sx');
    expect(decodeTopicKey(topicKey('', params))).toEqual({ stream: '', params });
  });

  test('the documented shape', () => {
    expect(topicKey('ticker', { symbol: 'ACME' })).toBe('ticker?symbol=sACME');
    expect(topicKey('book', { venue: 'X', symbol: 'A' })).toBe('book?symbol=sA&venue=sX');
    expect(topicKey('announcements', undefined)).toBe('announcements');
    expect(topicKey('announcements', {})).toBe('announcements');
    expect(topicKey('t', { n: 1, b: true, f: false })).toBe('t?b=b1&f=b0&n=n1');
    expect(topicKey('t', { a: 'a/b?c' })).toBe('t?a=sa%002fb%003fc');
  });

  test('escapeKeyPart keeps [A-Za-z0-9_.~-] and escapes every other code unit in fixed width', () => {
    expect(escapeKeyPart('Az09_.~-')).toBe('Az09_.~-');
    expect(escapeKeyPart('%')).toBe('%0025');
    expect(escapeKeyPart('\u0000')).toBe('%0000');
    expect(escapeKeyPart('😀')).toBe('%d83d%de00');
    expect(escapeKeyPart('')).toBe('');
  });

  test.each<[string, Topic, Topic]>([
    [
      'stream name holding a separator',
      { stream: 'a?b=sc', params: {} },
      { stream: 'a', params: { b: 'c' } },
    ],
    [
      'value holding another param',
      { stream: 't', params: { a: 'b&c=sd' } },
      { stream: 't', params: { a: 'b', c: 'd' } },
    ],
    [
      '"=" in a name or in a value',
      { stream: 't', params: { 'a=b': 'c' } },
      { stream: 't', params: { a: 'b=c' } },
    ],
    ['string "1" and number 1', { stream: 't', params: { a: '1' } }, { stream: 't', params: { a: 1 } }],
    [
      'string "b1" and boolean true',
      { stream: 't', params: { a: 'b1' } },
      { stream: 't', params: { a: true } },
    ],
    ['a literal escape', { stream: 't', params: { a: '%002f' } }, { stream: 't', params: { a: '/' } }],
    ['empty value and no param', { stream: 't', params: { a: '' } }, { stream: 't', params: {} }],
    ['empty name and empty value', { stream: '', params: { '': '' } }, { stream: '', params: {} }],
    [
      'composed and decomposed é',
      { stream: 't', params: { a: 'é' } },
      { stream: 't', params: { a: 'e\u0301' } },
    ],
    [
      'lone surrogate and U+FFFD',
      { stream: 't', params: { a: '\uD800' } },
      { stream: 't', params: { a: '\uFFFD' } },
    ],
    ['NUL and nothing', { stream: 't', params: { a: 'x\u0000' } }, { stream: 't', params: { a: 'x' } }],
    ['path-like values', { stream: 't', params: { a: 'b/c' } }, { stream: 't/b', params: { a: 'c' } }],
  ])('distinct topics get distinct keys: %s', (_label, a, b) => {
    expect(key(a)).not.toBe(key(b));
  });

  test('property: two topics share a key exactly when they are the same topic', () => {
    fc.assert(
      fc.property(topicArb(anyString), topicArb(anyString), (a, b) => {
        expect(key(a) === key(b)).toBe(sameTopic(a, b));
      }),
      { numRuns: 500 },
    );
  });

  test('property: a key decodes back to its topic, so no two topics can share one', () => {
    fc.assert(
      fc.property(fc.oneof(topicArb(anyString), nearTopic), (topic) => {
        expect(decodeTopicKey(key(topic))).toEqual(topic);
      }),
      { numRuns: 1000 },
    );
  });

  test('property: the order of params does not matter', () => {
    fc.assert(
      fc.property(topicArb(anyString), fc.integer({ min: 0, max: 5 }), ({ stream, params }, rotate) => {
        const entries = Object.entries(params);
        const turned = entries
          .slice(rotate % Math.max(1, entries.length))
          .concat(entries.slice(0, rotate % Math.max(1, entries.length)));
        expect(topicKey(stream, Object.fromEntries(turned.reverse()))).toBe(topicKey(stream, params));
      }),
      { numRuns: 300 },
    );
  });

  test('property: a key is printable ASCII with one "?" and no raw "/", NUL or separator inside a part', () => {
    const part = '[A-Za-z0-9_.~%-]*';
    const shape = new RegExp(`^${part}(\\?${part}=[sbnj]${part}(&${part}=[sbnj]${part})*)?$`);
    fc.assert(
      fc.property(topicArb(anyString), (topic) => {
        const k = key(topic);
        expect(k).toMatch(shape);
        for (const raw of ['/', '\u0000', ':', ' ', '\n']) expect(k.includes(raw)).toBe(false);
        expect(k.split('?').length).toBeLessThanOrEqual(2);
        expect(k.split('&').length).toBe(Math.max(1, Object.keys(topic.params).length));
      }),
      { numRuns: 500 },
    );
  });

  test('property: no params and empty params give the escaped stream name', () => {
    fc.assert(
      fc.property(anyString, (stream) => {
        expect(topicKey(stream, {})).toBe(topicKey(stream, undefined));
        expect(topicKey(stream, undefined)).toBe(escapeKeyPart(stream));
      }),
    );
  });
});
