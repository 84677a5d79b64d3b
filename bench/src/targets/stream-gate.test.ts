import { getEventListeners } from 'node:events';
import { describe, expect, it } from 'vitest';
import { StreamGate } from './stream-gate.ts';

/** Whether a promise has settled once pending callbacks have run (no timers involved). */
async function settled(promise: Promise<unknown>): Promise<boolean> {
  let done = false;
  void promise.then(
    () => {
      done = true;
    },
    () => {
      done = true;
    },
  );
  for (let i = 0; i < 10; i++) await Promise.resolve();
  return done;
}

describe('StreamGate', () => {
  it('lets a stream produce every event below the limit', async () => {
    const gate = new StreamGate(3);
    const signal = new AbortController().signal;
    expect(await gate.pass(0, signal)).toBe(true);
    expect(await gate.pass(2, signal)).toBe(true);
    expect(gate.waiting).toBe(0);
  });

  it('holds a stream at the limit until the limit rises past it', async () => {
    const gate = new StreamGate(2);
    const signal = new AbortController().signal;
    const at = gate.pass(2, signal);
    expect(await settled(at)).toBe(false);
    expect(gate.waiting).toBe(1);

    gate.set(3); // still at the limit for event 3, not for 2
    expect(await at).toBe(true);
    const next = gate.pass(3, signal);
    expect(await settled(next)).toBe(false);

    gate.set(Number.POSITIVE_INFINITY);
    expect(await next).toBe(true);
    expect(gate.waiting).toBe(0);
  });

  it('keeps a stream waiting when the limit moves but not past it', async () => {
    const gate = new StreamGate(5);
    const signal = new AbortController().signal;
    const at = gate.pass(8, signal);
    gate.set(8);
    expect(await settled(at)).toBe(false);
    expect(gate.waiting).toBe(1);
    gate.set(9);
    expect(await at).toBe(true);
  });

  it('lowering the limit holds streams past it at their next event', async () => {
    const gate = new StreamGate(Number.POSITIVE_INFINITY);
    const signal = new AbortController().signal;
    expect(await gate.pass(100, signal)).toBe(true);
    gate.set(16);
    expect(await settled(gate.pass(101, signal))).toBe(false);
  });

  it('lets a waiting stream go with false when its client leaves, and forgets it', async () => {
    const gate = new StreamGate(0);
    const left = new AbortController();
    const at = gate.pass(0, left.signal);
    expect(getEventListeners(left.signal, 'abort')).toHaveLength(1);
    left.abort();
    expect(await at).toBe(false);
    expect(gate.waiting).toBe(0);
    expect(getEventListeners(left.signal, 'abort')).toHaveLength(0);
    expect(await gate.pass(0, left.signal)).toBe(false);
  });

  it('removes its abort listener from a stream it wakes', async () => {
    const gate = new StreamGate(0);
    const signal = new AbortController().signal;
    const at = gate.pass(0, signal);
    gate.set(1);
    expect(await at).toBe(true);
    expect(getEventListeners(signal, 'abort')).toHaveLength(0);
  });

  it('refuses a limit that is not a number ≥ 0', () => {
    expect(() => new StreamGate(-1)).toThrow(/limit is -1/);
    expect(() => new StreamGate(0).set(Number.NaN)).toThrow(/limit is NaN/);
  });
});
