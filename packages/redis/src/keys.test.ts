import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { clusterSlot } from './cluster-slot.ts';
import { topicKeys } from './keys.ts';

describe('topicKeys', () => {
  it('gives distinct topic keys distinct Redis names, all in one cluster slot per topic', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: 'binary' }),
        fc.string({ unit: 'binary' }),
        fc.string(),
        (a, b, prefix) => {
          fc.pre(a !== b && !/[{}]/.test(prefix));
          const ka = topicKeys(prefix, a);
          const kb = topicKeys(prefix, b);
          expect(ka.events).not.toBe(kb.events);
          expect(ka.meta).not.toBe(kb.meta);
          expect(ka.channel).not.toBe(kb.channel);
          // The hash tag is the text between the first `{` and the next `}`: the whole escaped key.
          const tag = (name: string) => name.slice(name.indexOf('{') + 1, name.indexOf('}'));
          expect(tag(ka.events)).toBe(tag(ka.meta));
          expect(tag(ka.channel)).toBe(tag(ka.events));
          expect(new Set([ka.events, ka.meta, ka.channel]).size).toBe(3);
        },
      ),
      { numRuns: 2_000 },
    );
  });

  it("puts a topic's stream, meta hash and shard channel in one slot, whatever the prefix", () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), fc.string({ unit: 'binary' }), (key, prefix) => {
        const { events, meta, channel } = topicKeys(prefix, key);
        expect(clusterSlot(meta)).toBe(clusterSlot(events));
        expect(clusterSlot(channel)).toBe(clusterSlot(events));
      }),
      { numRuns: 2_000 },
    );
  });

  it('leaves ordinary topic keys readable', () => {
    expect(topicKeys('app:', 'ticker?symbol=sACME')).toEqual({
      events: 'app:{ticker?symbol=sACME}:events',
      meta: 'app:{ticker?symbol=sACME}:meta',
      channel: 'app:{ticker?symbol=sACME}:live',
    });
    expect(topicKeys('', '%{}').events).toBe('{%25%7b%7d}:events');
    expect(topicKeys('app:', '').events).toBe('app:{%}:events');
  });
});
