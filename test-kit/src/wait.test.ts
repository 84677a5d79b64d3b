import { describe, expect, test } from 'vitest';
import { collector } from './collector.ts';
import { changes, within } from './wait.ts';

describe('within', () => {
  test('resolves and rejects like the promise it bounds', async () => {
    await expect(within(Promise.resolve(7), 1_000, 'seven')).resolves.toBe(7);
    await expect(within(Promise.reject(new Error('no')), 1_000, 'no')).rejects.toThrow('no');
  });

  test('rejects once the time is up, naming what it waited for', async () => {
    const never = new Promise<never>(() => {});
    await expect(within(never, 10, () => 'a promise that never settles')).rejects.toThrow(
      'timed out after 10 ms waiting for: a promise that never settles',
    );
  });
});

describe('changes', () => {
  test('re-checks a condition on every notify, and rejects with what the check throws', async () => {
    const changed = changes();
    let value = 0;
    const reached = changed.until(() => value >= 2, 'value 2', 1_000);
    value = 1;
    changed.notify();
    value = 2;
    changed.notify();
    await expect(reached).resolves.toBeUndefined();
    const failing = changed.until(
      () => {
        throw new Error('ended first');
      },
      'never',
      1_000,
    );
    await expect(failing).rejects.toThrow('ended first');
    await expect(changed.until(() => false, 'nothing', 10)).rejects.toThrow(/waiting for: nothing/);
  });
});

describe('collector', () => {
  test('resolves with the items once there are enough, or once a check holds', async () => {
    const seen = collector<number>();
    const two = seen.until(2, 1_000);
    const last = seen.when((items) => items.at(-1) === 3, 'a 3', 1_000);
    for (const n of [1, 2, 3]) seen.push(n);
    expect(await two).toEqual([1, 2, 3]);
    expect(await last).toEqual([1, 2, 3]);
    await expect(seen.until(5, 10)).rejects.toThrow('5 items (got 3)');
  });
});
