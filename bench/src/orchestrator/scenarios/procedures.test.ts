import { describe, expect, it } from 'vitest';
import { perStream, slowestAnswer, slowestShare } from './procedures.ts';

describe('slowestShare', () => {
  it('compares the slowest stream with the mean of what the streams received since the gate opened', () => {
    // 4 streams had 16 events each when the gate opened; since then 400 more, 60 to the slowest.
    expect(slowestShare({ delivered: 4 * 16 + 400, minPerClient: 16 + 60 }, 4, 16)).toBeCloseTo(0.6);
    expect(slowestShare({ delivered: 4 * 16 + 400, minPerClient: 16 + 100 }, 4, 16)).toBe(1);
  });

  it('is 0 for a stream that received nothing since, and NaN when no stream did', () => {
    expect(slowestShare({ delivered: 4 * 16 + 400, minPerClient: 16 }, 4, 16)).toBe(0);
    expect(slowestShare({ delivered: 4 * 16, minPerClient: 16 }, 4, 16)).toBeNaN();
  });
});

describe('perStream', () => {
  it('divides the growth by the streams', () => {
    expect(perStream(60e6, 50e6, 1000)).toBe(10_000);
    expect(perStream(Number.NaN, 50e6, 1000)).toBeNaN();
  });
});

describe('slowestAnswer', () => {
  it('takes the longest answer, or null when one did not come', () => {
    expect(slowestAnswer([3, 120, 8])).toBe(120);
    expect(slowestAnswer([3, Number.POSITIVE_INFINITY, 8])).toBeNull();
    expect(slowestAnswer([])).toBe(0);
  });
});
