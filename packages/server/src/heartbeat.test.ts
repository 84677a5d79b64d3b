import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Heartbeat } from './heartbeat.ts';

describe('Heartbeat', () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval', 'setImmediate', 'clearImmediate'] });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  function setup(count: number, slice: number) {
    const connections = new Set(Array.from({ length: count }, (_, i) => i));
    const beaten: number[] = [];
    const clock = { ms: 0 };
    const heartbeat = new Heartbeat(1_000, connections, (n: number) => beaten.push(n), {
      slice,
      now: () => clock.ms,
    });
    return { connections, beaten, heartbeat, clock };
  }

  it('beats every connection once per tick, one slice per event-loop turn', () => {
    const { beaten, heartbeat } = setup(25, 10);
    heartbeat.start();
    vi.advanceTimersToNextTimer(); // the tick: its first slice
    expect(beaten).toEqual(Array.from({ length: 10 }, (_, i) => i));
    vi.advanceTimersToNextTimer(); // the next turn: the second slice
    expect(beaten).toHaveLength(20);
    vi.advanceTimersToNextTimer();
    expect(beaten).toEqual(Array.from({ length: 25 }, (_, i) => i));
    heartbeat.stop();
  });

  it('skips connections that close during a tick and beats those that open', () => {
    const { connections, beaten, heartbeat } = setup(20, 10);
    heartbeat.start();
    vi.advanceTimersToNextTimer();
    connections.delete(15);
    connections.add(99);
    vi.advanceTimersToNextTimer();
    expect(beaten).not.toContain(15);
    expect(beaten).toContain(99);
    expect(new Set(beaten).size).toBe(beaten.length);
    heartbeat.stop();
  });

  it('runs one timer however often it is started, and the next tick beats everyone again', () => {
    const { beaten, heartbeat } = setup(15, 10);
    heartbeat.start();
    heartbeat.start();
    vi.advanceTimersByTime(1_001); // the tick at 1,000 ms and its second slice
    expect(beaten).toHaveLength(15);
    vi.advanceTimersByTime(1_000);
    expect(beaten).toHaveLength(30);
    heartbeat.stop();
  });

  it('beats the rest in one go once a tick has run for half an interval', () => {
    const { beaten, heartbeat, clock } = setup(50, 10);
    heartbeat.start();
    vi.advanceTimersToNextTimer(); // the tick at 1,000 ms: its first slice
    expect(beaten).toHaveLength(10);
    clock.ms = 499; // turns that take long: the next slice is still a slice
    vi.advanceTimersToNextTimer();
    expect(beaten).toHaveLength(20);
    clock.ms = 500;
    vi.advanceTimersToNextTimer();
    expect(beaten).toEqual(Array.from({ length: 50 }, (_, i) => i));
    heartbeat.stop();
  });

  it('stops mid-tick', () => {
    const { beaten, heartbeat } = setup(25, 10);
    heartbeat.start();
    vi.advanceTimersToNextTimer();
    heartbeat.stop();
    vi.runAllTimers();
    expect(beaten).toHaveLength(10);
  });
});
