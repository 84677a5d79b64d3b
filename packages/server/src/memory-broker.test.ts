import { describe, expect, it, vi } from 'vitest';
import { memoryBroker } from './memory-broker.ts';
import { settledHeap } from './test-support/gc.ts';
import { describeBroker } from './testing/index.ts';

describeBroker('memoryBroker', async () => {
  const broker = memoryBroker();
  return { broker, [Symbol.asyncDispose]: () => broker.close() };
});

function disposable(broker: ReturnType<typeof memoryBroker>) {
  return Object.assign(broker, { [Symbol.asyncDispose]: () => broker.close() });
}

describe('memoryBroker', () => {
  it('refuses a bad historyTtlMs with the same CONFIG_INVALID code as redisBroker, naming the value', () => {
    expect(() => memoryBroker({ historyTtlMs: -1 })).toThrow(
      expect.objectContaining({
        code: 'CONFIG_INVALID',
        message:
          '@tidings/server: memoryBroker option "historyTtlMs" is -1; expected a number of milliseconds ≥ 0.',
      }),
    );
  });

  it('counts each topic apart: events on one never move the sequence of another (issue 12)', async () => {
    vi.useFakeTimers({ toFake: ['Date'], now: 1_800_000_000_000 });
    try {
      await using broker = disposable(memoryBroker());
      const open = { key: 'public', history: 10 };
      const hidden = { key: 'private', history: 10 };
      const first = await broker.publish(open, 'tick', '1');
      for (let i = 0; i < 5; i++) await broker.publish(hidden, 'tick', '1');
      const second = await broker.publish(open, 'tick', '2');
      // One frozen millisecond: with one sequence for all topics this was …-0, then …-6.
      expect([first, second]).toEqual(['1800000000000-1', '1800000000000-2']);
    } finally {
      vi.useRealTimers();
    }
  });

  it('keeps exactly history events and vouches for ids at or after the oldest evicted one', async () => {
    await using broker = disposable(memoryBroker());
    const topic = { key: 'clock', history: 3 };
    const ids: string[] = [];
    for (let i = 0; i < 6; i++) ids.push(await broker.publish(topic, 'tick', String(i)));
    // ids[0..2] evicted: after ids[2] nothing is missing, after ids[1] ids[2] is.
    expect(await broker.replay(topic, ids[2]!)).toEqual({
      events: ids.slice(3).map((id, i) => ({ id, name: 'tick', data: String(i + 3) })),
      gap: false,
      oldestAvailableId: ids[3],
    });
    expect(await broker.replay(topic, ids[1]!)).toMatchObject({ gap: true, oldestAvailableId: ids[3] });
  });

  it('with history 0 stores nothing but still knows the latest id', async () => {
    await using broker = disposable(memoryBroker());
    const topic = { key: 'none', history: 0 };
    const first = await broker.publish(topic, 'tick', '1');
    const last = await broker.publish(topic, 'tick', '2');
    expect(await broker.replay(topic, last)).toEqual({
      events: [],
      gap: false,
      oldestAvailableId: undefined,
    });
    expect(await broker.replay(topic, first)).toMatchObject({ events: [], gap: true });
  });

  it('signals a gap for an id issued before the broker started (a previous process)', async () => {
    await using broker = disposable(memoryBroker());
    const topic = { key: 'restart', history: 10 };
    await broker.publish(topic, 'tick', '1');
    expect(await broker.replay(topic, '1-0')).toMatchObject({ gap: true });
  });

  it('drops an idle topic after historyTtlMs once nobody subscribes, and signals the loss as a gap', async () => {
    await using broker = disposable(memoryBroker({ historyTtlMs: 20 }));
    const topic = { key: 'idle', history: 10 };
    const unsubscribe = await broker.subscribe(topic, () => {});
    const id = await broker.publish(topic, 'tick', '1');
    const early = await broker.publish(topic, 'tick', '2');
    expect(broker.topicCount).toBe(1);
    unsubscribe();
    await vi.waitFor(() => expect(broker.topicCount).toBe(0), { timeout: 5_000, interval: 10 });
    // The newest id of the dropped topic is still vouched for; an older one is not.
    await broker.publish(topic, 'tick', '3');
    expect(await broker.replay(topic, early)).toMatchObject({ gap: false });
    expect(await broker.replay(topic, id)).toMatchObject({ gap: true });
  });

  it('keeps a subscribed topic however long it is idle', async () => {
    await using broker = disposable(memoryBroker({ historyTtlMs: 0 }));
    const kept = { key: 'kept', history: 10 };
    const unsubscribe = await broker.subscribe(kept, () => {});
    await broker.publish(kept, 'tick', '1');
    await broker.publish({ key: 'gone', history: 10 }, 'tick', '1');
    await vi.waitFor(() => expect(broker.topicCount).toBe(1), { timeout: 5_000, interval: 10 });
    expect((await broker.replay(kept, '0-0')).events).toHaveLength(1);
    unsubscribe();
  });

  it('gives memory back after 10,000 topics come and go', async () => {
    await using broker = disposable(memoryBroker({ historyTtlMs: 0 }));
    const payload = JSON.stringify({ text: 'x'.repeat(200) });
    let held = 0;
    const round = async () => {
      let received = 0;
      for (let t = 0; t < 10_000; t++) {
        const topic = { key: `room?id=n${t}`, history: 20 };
        const unsubscribe = await broker.subscribe(topic, () => received++);
        for (let i = 0; i < 5; i++) await broker.publish(topic, 'say', `${payload}${t}-${i}`);
        unsubscribe();
      }
      expect(received).toBe(50_000);
      held = Math.max(held, settledHeap());
      await vi.waitFor(() => expect(broker.topicCount).toBe(0), { timeout: 10_000, interval: 10 });
      return settledHeap();
    };
    const before = settledHeap();
    const afterFirst = await round();
    const afterSecond = await round();
    // While held, 10,000 topics × 5 events of ~220 bytes take well over 10 MB; once dropped, under 2 MB stays.
    expect(held - before).toBeGreaterThan(10 * 1024 * 1024);
    expect(afterFirst - before).toBeLessThan(2 * 1024 * 1024);
    expect(afterSecond - before).toBeLessThan(2 * 1024 * 1024);
  });

  it('rejects with TidingsBrokerError once closed', async () => {
    const broker = memoryBroker();
    await broker.close();
    await expect(broker.publish({ key: 'x', history: 1 }, 'tick', '1')).rejects.toMatchObject({
      name: 'TidingsBrokerError',
      code: 'BROKER_ERROR',
    });
    await expect(broker.subscribe({ key: 'x', history: 1 }, () => {})).rejects.toThrow(
      /memoryBroker is closed/,
    );
  });
});
