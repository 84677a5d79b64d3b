import { createParser } from 'eventsource-parser';
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { encodeMuxControl, encodeMuxEvent, parseMuxFrame } from './multiplex.ts';

/** What an EventSource would dispatch for these bytes. */
function dispatched(bytes: string): { event: string | undefined; data: string }[] {
  const out: { event: string | undefined; data: string }[] = [];
  const parser = createParser({ onEvent: (event) => out.push({ event: event.event, data: event.data }) });
  parser.feed(bytes);
  return out;
}

const alias = fc.stringMatching(/^[0-9a-z]{1,6}$/);
const id = fc.tuple(fc.nat(), fc.nat()).map(([ms, seq]) => `${ms}-${seq}`);
const name = fc.stringMatching(/^[A-Za-z][A-Za-z0-9_.-]{0,20}$/);
const json = fc.jsonValue().map((value) => JSON.stringify(value));

describe('the multiplexed wire format', () => {
  test('property: an event frame is one message an EventSource dispatches, and reads back exactly', () => {
    fc.assert(
      fc.property(alias, id, name, json, (a, i, n, d) => {
        const [message, ...rest] = dispatched(encodeMuxEvent(a, i, n, d));
        expect(rest).toEqual([]);
        expect(message?.event).toBeUndefined();
        expect(parseMuxFrame(message!.data)).toEqual({ kind: 'event', alias: a, id: i, name: n, data: d });
      }),
      { numRuns: 500 },
    );
  });

  test('control frames read back, and nothing else passes for a frame', () => {
    expect(parseMuxFrame(dispatched(encodeMuxControl('1a', 'sub', 'key-1'))[0]!.data)).toEqual({
      kind: 'sub',
      alias: '1a',
      value: 'key-1',
    });
    const gap = '{"lastEventId":"1-0","oldestAvailableId":"5-0"}';
    expect(parseMuxFrame(dispatched(encodeMuxControl('z', 'gap', gap))[0]!.data)).toEqual({
      kind: 'gap',
      alias: 'z',
      value: gap,
    });
    for (const junk of ['', 'x', 'a b', 'a !nope v', 'a 1-0 quote'])
      expect(parseMuxFrame(junk)).toBeUndefined();
  });
});
