import { encodeMuxControl, encodeMuxEvent, encodeRetry } from '@tidings/contract/wire';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EventScanner, readDecimal } from './event-scanner.ts';

function frame(seq: number, ts: number): string {
  const json = JSON.stringify({ symbol: 'ACME', seq, ts, price: 101.5, size: 100, venue: 'XNAS' });
  return `id: 1-${seq}\nevent: quote\ndata: ${json}\n\n`;
}

// With `now` fixed at 0, each recorded latency is minus the timestamp.
function sampler(samples: number[], active = true) {
  return { active, now: () => 0, record: (latency: number) => samples.push(-latency) };
}

function scan(chunks: readonly Buffer[]): { scanner: EventScanner; samples: number[] } {
  const samples: number[] = [];
  const scanner = new EventScanner(sampler(samples));
  for (const chunk of chunks) scanner.push(chunk);
  return { scanner, samples };
}

describe('readDecimal', () => {
  it('reads integers and fractions that end before the buffer does', () => {
    expect(readDecimal(Buffer.from('123.25,'), 0)).toBe(123.25);
    expect(readDecimal(Buffer.from('x42}'), 1)).toBe(42);
  });

  it('is NaN when the number runs into the end of the buffer or is missing', () => {
    expect(readDecimal(Buffer.from('123.2'), 0)).toBeNaN();
    expect(readDecimal(Buffer.from('abc'), 0)).toBeNaN();
  });
});

describe('EventScanner', () => {
  it('counts one event per payload and ignores headers, comments and retry frames', () => {
    const body = `retry: 1000\n\n:\n\n${frame(1, 10.5)}${frame(2, 11)}event: gap\ndata: {}\n\n`;
    const { scanner, samples } = scan([Buffer.from(body)]);
    expect(scanner.count).toBe(2);
    expect(samples).toEqual([10.5, 11]);
  });

  it('counts every event and reads only true timestamps, however the stream is cut', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: 1e-3, max: 1e12, noNaN: true }), { minLength: 1, maxLength: 30 }),
        fc.array(fc.nat(), { maxLength: 40 }),
        (stamps, cuts) => {
          const bytes = Buffer.from(stamps.map((ts, i) => frame(i, ts)).join(''));
          const points = [...new Set(cuts.map((c) => c % bytes.length))].sort((a, b) => a - b);
          const chunks: Buffer[] = [];
          let from = 0;
          for (const at of [...points, bytes.length]) {
            chunks.push(bytes.subarray(from, at));
            from = at;
          }
          // Chunks arrive in one reused buffer, as the load generator reads them.
          const shared = Buffer.alloc(bytes.length);
          const samples: number[] = [];
          const scanner = new EventScanner(sampler(samples));
          for (const chunk of chunks) {
            chunk.copy(shared);
            scanner.push(shared.subarray(0, chunk.length));
            shared.fill(0x3f);
          }
          expect(scanner.count).toBe(stamps.length);
          expect(samples.length + scanner.unsampled).toBe(stamps.length);
          let next = 0;
          for (const sample of samples) {
            while (next < stamps.length && Math.abs(stamps[next]! - sample) > Math.abs(sample) * 1e-12)
              next++;
            expect(next).toBeLessThan(stamps.length);
            next++;
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it('counts multiplexed events (alias, id and name before the JSON on one data line), not their !sub and !pos frames', () => {
    const json = (seq: number, ts: number) =>
      JSON.stringify({ symbol: 'AAA', seq, ts, price: 101.5, size: 100, venue: 'XNAS' });
    const body = [
      encodeRetry(2000),
      encodeMuxControl('0', 'sub', 'AAA'),
      encodeMuxControl('1', 'sub', 'BBB'),
      encodeMuxControl('0', 'pos', '-'),
      encodeMuxControl('1', 'pos', '1700000000000-3'),
      encodeMuxEvent('0', '1700000000000-4', 'quote', json(4, 12.25)),
      encodeMuxEvent('1', '1700000000000-5', 'quote', json(5, 13)),
      ':\n\n',
    ].join('');
    expect(body).toContain('data: 1 1700000000000-5 quote {"symbol"');
    const bytes = Buffer.from(body);
    for (let cut = 0; cut <= bytes.length; cut++) {
      const { scanner, samples } = scan([bytes.subarray(0, cut), bytes.subarray(cut)]);
      expect(scanner.count).toBe(2);
      expect(samples.length + scanner.unsampled).toBe(2);
    }
    expect(scan([bytes]).samples).toEqual([12.25, 13]);
  });

  it('finds a marker whose first bytes also end the one before (`"ts"` then `ts":`)', () => {
    const { scanner } = scan([Buffer.from('x"ts"'), Buffer.from('ts":1,')]);
    expect(scanner.count).toBe(1);
  });

  it('does not parse timestamps while the sampler is inactive', () => {
    const samples: number[] = [];
    const scanner = new EventScanner(sampler(samples, false));
    scanner.push(Buffer.from(frame(1, 5)));
    expect(scanner.count).toBe(1);
    expect(samples).toEqual([]);
  });
});
