import { createParser, type EventSourceMessage } from 'eventsource-parser';
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { TidingsError } from '../errors.ts';
import {
  encodeComment,
  encodeControl,
  encodeEvent,
  encodePosition,
  encodeRetry,
  positionOf,
} from './encode.ts';

/** Any code point, lone surrogates included (cheaper to set up than `unit: 'binary'`). */
const anyChar = fc.integer({ min: 0, max: 0x10ffff }).map((code) => String.fromCodePoint(code));

interface Parsed {
  events: EventSourceMessage[];
  comments: string[];
  retries: number[];
  errors: string[];
}

/** Reads a byte stream with `eventsource-parser`, fed in the given chunks. */
function parse(chunks: readonly string[]): Parsed {
  const out: Parsed = { events: [], comments: [], retries: [], errors: [] };
  const parser = createParser({
    onEvent: (event) => out.events.push(event),
    onComment: (comment) => out.comments.push(comment),
    onRetry: (retry) => out.retries.push(retry),
    onError: (error) => out.errors.push(error.message),
  });
  for (const chunk of chunks) parser.feed(chunk);
  return out;
}

/** Cuts a string at the given fractions of its length. */
function cut(text: string, at: readonly number[]): string[] {
  const points = [...new Set(at.map((f) => Math.floor(f * text.length)))].sort((a, b) => a - b);
  const chunks: string[] = [];
  let from = 0;
  for (const point of points) {
    chunks.push(text.slice(from, point));
    from = point;
  }
  chunks.push(text.slice(from));
  return chunks;
}

const eventName = fc.stringMatching(/^[A-Za-z][A-Za-z0-9_.-]{0,15}$/);
const eventId = fc.tuple(fc.maxSafeNat(), fc.nat()).map(([ms, seq]) => `${ms}-${seq}`);
const cuts = fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { maxLength: 6 });

describe('frames, byte for byte', () => {
  test('data frame', () => {
    expect(encodeEvent('1700000000000-0', 'quote', '{"price":1.5}')).toBe(
      'id: 1700000000000-0\nevent: quote\ndata: {"price":1.5}\n\n',
    );
  });

  test('control frame has no id line', () => {
    expect(encodeControl('gap', '{"lastEventId":"1-0","oldestAvailableId":"5-0"}')).toBe(
      'event: gap\ndata: {"lastEventId":"1-0","oldestAvailableId":"5-0"}\n\n',
    );
  });

  test('position frame: a comment with the id and an id line, no data line, so no event is dispatched', () => {
    expect(encodePosition('1700000000000-3')).toBe(': position 1700000000000-3\nid: 1700000000000-3\n\n');
    const { events, comments } = parse([encodePosition('5-0')]);
    expect(events).toEqual([]);
    expect(comments.map(positionOf)).toEqual(['5-0']);
    expect(positionOf(' heartbeat')).toBeUndefined();
    expect(positionOf('')).toBeUndefined();
  });

  test('comment frames', () => {
    expect(encodeComment()).toBe(':\n\n');
    expect(encodeComment('')).toBe(':\n\n');
    expect(encodeComment('heartbeat')).toBe(': heartbeat\n\n');
    expect(encodeComment('a\nb\r\nc')).toBe(': a\n: b\n: c\n\n');
  });

  test('retry frames: whole milliseconds, never negative', () => {
    expect(encodeRetry(1500)).toBe('retry: 1500\n\n');
    expect(encodeRetry(0)).toBe('retry: 0\n\n');
    expect(encodeRetry(1.9)).toBe('retry: 1\n\n');
    expect(encodeRetry(-5)).toBe('retry: 0\n\n');
  });

  test.each([Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY])(
    'retry of %s is refused',
    (ms) => {
      expect(() => encodeRetry(ms)).toThrow(TidingsError);
      expect(() => encodeRetry(ms)).toThrow(
        /^@tidings\/contract: encodeRetry got -?(NaN|Infinity); expected a finite/,
      );
    },
  );

  test('hand-made data with line breaks becomes one data line per line', () => {
    expect(encodeEvent('1-0', 'note', 'a\nb\r\nc\rd')).toBe(
      'id: 1-0\nevent: note\ndata: a\ndata: b\ndata: c\ndata: d\n\n',
    );
    expect(encodeControl('note', 'a\n')).toBe('event: note\ndata: a\ndata: \n\n');
    expect(encodeEvent('1-0', 'note', '')).toBe('id: 1-0\nevent: note\ndata: \n\n');
  });
});

describe('read back by eventsource-parser', () => {
  test('every kind of frame', () => {
    const stream =
      encodeRetry(2000) +
      encodeComment('hb') +
      encodeEvent('1-0', 'quote', '{"p":1}') +
      encodeControl('gap', '{}');
    const parsed = parse([stream]);
    expect(parsed).toEqual({
      events: [
        { id: '1-0', event: 'quote', data: '{"p":1}' },
        { id: undefined, event: 'gap', data: '{}' },
      ],
      comments: ['hb'],
      retries: [2000],
      errors: [],
    });
  });

  test('property: JSON events, concatenated and cut anywhere, come back with the same id, event and data', () => {
    const event = fc.record({
      id: eventId,
      name: eventName,
      data: fc.jsonValue().map((v) => JSON.stringify(v)),
    });
    fc.assert(
      fc.property(fc.array(event, { minLength: 1, maxLength: 10 }), cuts, (events, at) => {
        const stream = events.map((e) => encodeEvent(e.id, e.name, e.data)).join('');
        const parsed = parse(cut(stream, at));
        expect(parsed.errors).toEqual([]);
        expect(parsed.events).toEqual(events.map((e) => ({ id: e.id, event: e.name, data: e.data })));
      }),
      { numRuns: 300 },
    );
  });

  test('property: hand-made data with any line breaks comes back with line breaks as "\\n"', () => {
    const text = fc.oneof(
      fc.string({ unit: anyChar, maxLength: 20 }),
      fc.string({
        unit: fc.constantFrom('\n', '\r', '\r\n', ' ', ':', 'a', 'é', '\u0000', '\u2028'),
        maxLength: 12,
      }),
    );
    fc.assert(
      fc.property(eventId, eventName, text, cuts, (id, name, data, at) => {
        const frames = encodeEvent(id, name, data) + encodeControl(name, data);
        const parsed = parse(cut(frames, at));
        const expected = data.replace(/\r\n|\r/g, '\n');
        expect(parsed.events).toEqual([
          { id, event: name, data: expected },
          { id: undefined, event: name, data: expected },
        ]);
      }),
      { numRuns: 500 },
    );
  });

  test('property: comments never become events, whatever their text', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: fc.constantFrom('\n', '\r', 'a', ':', ' ', 'data: x'), maxLength: 8 }),
        (text) => {
          const parsed = parse([encodeComment(text)]);
          expect(parsed.events).toEqual([]);
          expect(parsed.comments.join('\n')).toBe(text.replace(/\r\n|\r/g, '\n'));
        },
      ),
    );
  });

  test('property: control frames carry no id line', () => {
    fc.assert(
      fc.property(eventName, fc.jsonValue(), (name, value) => {
        const frame = encodeControl(name, JSON.stringify(value));
        expect(frame).not.toMatch(/^id:/m);
        expect(parse([frame]).events[0]?.id).toBeUndefined();
      }),
    );
  });
});
