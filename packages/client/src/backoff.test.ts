import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { backoffDelay } from './backoff.ts';

describe('backoffDelay', () => {
  test('full jitter: a delay in [0, min(cap, base × 2^attempt))', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 80 }),
        fc.integer({ min: 1, max: 10_000 }),
        fc.integer({ min: 1, max: 120_000 }),
        fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
        (attempt, base, extra, r) => {
          const cap = base + extra;
          const delay = backoffDelay({ attempt, initialDelayMs: base, maxDelayMs: cap, random: () => r });
          expect(delay).toBeGreaterThanOrEqual(0);
          expect(delay).toBeLessThan(Math.min(cap, base * 2 ** attempt) + 1e-9);
          expect(delay).toBeCloseTo(r * Math.min(cap, base * 2 ** attempt));
        },
      ),
    );
  });

  test('the ceiling grows exponentially up to the cap', () => {
    const top = (attempt: number) =>
      backoffDelay({ attempt, initialDelayMs: 100, maxDelayMs: 1000, random: () => 0.999999 });
    expect([0, 1, 2, 3, 4, 10].map((a) => Math.round(top(a)))).toEqual([100, 200, 400, 800, 1000, 1000]);
  });

  test("after a clean end the first reconnect waits the server's retry: exactly; later ones back off from it", () => {
    expect(
      backoffDelay({ attempt: 0, initialDelayMs: 1, maxDelayMs: 10, serverRetryMs: 2500, clean: true }),
    ).toBe(2500);
    const later = backoffDelay({
      attempt: 2,
      initialDelayMs: 1,
      maxDelayMs: 60_000,
      serverRetryMs: 2500,
      random: () => 0.5,
    });
    expect(later).toBe(5000);
  });

  test('retry-after is a floor', () => {
    expect(
      backoffDelay({
        attempt: 3,
        initialDelayMs: 10,
        maxDelayMs: 100,
        retryAfterMs: 7000,
        random: () => 0.5,
      }),
    ).toBe(7000);
  });
});
