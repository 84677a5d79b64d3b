import { afterEach, describe, expect, it, vi } from 'vitest';
import { TickStats, timeIntervals } from './tick-stats.ts';

describe('TickStats', () => {
  it('counts ticks and keeps the longest, the longest slice and the means', () => {
    const stats = new TickStats();
    stats.record({ wallMs: 10, cpuMs: 4, longestSliceMs: 10, slices: 1 });
    stats.record({ wallMs: 30, cpuMs: 8, longestSliceMs: 6, slices: 5 });
    expect(stats.summary()).toEqual({
      count: 2,
      maxMs: 30,
      meanMs: 20,
      meanCpuMs: 6,
      longestSliceMs: 10,
      meanSlices: 3,
    });
  });

  it('starts a new window on reset', () => {
    const stats = new TickStats();
    stats.record({ wallMs: 10, cpuMs: 4, longestSliceMs: 10, slices: 1 });
    stats.reset();
    const summary = stats.summary();
    expect(summary.count).toBe(0);
    expect(summary.maxMs).toBe(0);
    expect(summary.meanMs).toBeNaN();
  });
});

describe('timeIntervals', () => {
  const interval = globalThis.setInterval;
  const immediate = globalThis.setImmediate;
  afterEach(() => {
    globalThis.setInterval = interval;
    globalThis.setImmediate = immediate;
    vi.useRealTimers();
  });

  const settle = () => new Promise<void>((resolve) => process.nextTick(resolve));

  it('times the ticks of intervals of that length only', async () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
    const stats = new TickStats();
    timeIntervals(1_000, stats);
    const beats: number[] = [];
    const others: number[] = [];
    const beat = setInterval(() => beats.push(beats.length), 1_000);
    const other = setInterval(() => others.push(others.length), 250);
    vi.advanceTimersByTime(3_000);
    clearInterval(beat);
    clearInterval(other);
    await settle();
    expect(beats).toHaveLength(3);
    expect(others).toHaveLength(12);
    expect(stats.summary()).toMatchObject({ count: 3, meanSlices: 1 });
  });

  it('counts the immediates a tick schedules, transitively, as its slices', async () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
    const stats = new TickStats();
    timeIntervals(1_000, stats);
    let slicesLeft = 0;
    const slice = (): void => {
      if (--slicesLeft > 0) setImmediate(slice);
    };
    const beat = setInterval(() => {
      slicesLeft = 4;
      slice();
    }, 1_000);
    vi.advanceTimersByTime(1_000);
    clearInterval(beat);
    await vi.waitFor(() => expect(stats.summary().count).toBe(1));
    expect(stats.summary().meanSlices).toBe(4);
    const unrelated = await new Promise<number>((resolve) =>
      setImmediate(() => resolve(stats.summary().count)),
    );
    expect(unrelated).toBe(1);
  });

  it('records a tick whose callback throws', async () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
    const stats = new TickStats();
    timeIntervals(500, stats);
    const timer = setInterval(() => {
      throw new Error('boom');
    }, 500);
    expect(() => vi.advanceTimersByTime(500)).toThrow('boom');
    clearInterval(timer);
    await settle();
    expect(stats.summary().count).toBe(1);
  });
});
