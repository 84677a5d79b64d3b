import { describe, expect, test } from 'vitest';
import { createEventQueue } from './event-queue.ts';
import { createListenerRegistry } from './listeners.ts';

type Ev = { type: string; n: number };

describe('createListenerRegistry', () => {
  test('once, signal, duplicates and removal during dispatch', () => {
    const registry = createListenerRegistry<Ev>();
    const seen: string[] = [];
    const a = (e: Ev) => seen.push(`a${e.n}`);
    const b = (e: Ev) => {
      seen.push(`b${e.n}`);
      registry.remove('x', c);
    };
    const c = (e: Ev) => seen.push(`c${e.n}`);
    const controller = new AbortController();
    registry.add('x', a);
    registry.add('x', a);
    registry.add('x', b, { once: true });
    registry.add('x', c);
    registry.add('x', (e) => seen.push(`d${e.n}`), { signal: controller.signal });
    registry.dispatch({ type: 'x', n: 1 });
    controller.abort();
    registry.dispatch({ type: 'x', n: 2 });
    registry.dispatch({ type: 'y', n: 3 });
    expect(seen).toEqual(['a1', 'b1', 'd1', 'a2']);
  });
});

describe('createEventQueue', () => {
  test('yields pushed items in order, then ends', async () => {
    let returned = 0;
    const queue = createEventQueue<number>(() => returned++);
    const pending = queue.iterator.next();
    queue.push(1);
    queue.push(2);
    queue.push(3);
    queue.end();
    queue.push(4);
    const out = [(await pending).value];
    for await (const n of queue.iterator) out.push(n);
    expect(out).toEqual([1, 2, 3]);
    expect(returned).toBe(0);
  });

  test('ending with an error rejects a waiting next(); return() stops early', async () => {
    const failing = createEventQueue<number>(() => {});
    const pending = failing.iterator.next();
    failing.end(new Error('boom'));
    await expect(pending).rejects.toThrow('boom');
    expect(await failing.iterator.next()).toEqual({ done: true, value: undefined });

    let returned = 0;
    const queue = createEventQueue<number>(() => returned++);
    queue.push(1);
    for await (const n of queue.iterator) {
      expect(n).toBe(1);
      break;
    }
    queue.push(2);
    expect(returned).toBe(1);
    expect(await queue.iterator.next()).toEqual({ done: true, value: undefined });
  });
});
