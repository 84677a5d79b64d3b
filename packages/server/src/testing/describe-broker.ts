import { randomUUID } from 'node:crypto';
import { compareEventIds, parseEventId } from '@tidings/contract/wire';
import { describe, expect, it } from 'vitest';
import type { Broker, StoredEvent, TopicRef } from '../broker.ts';

/** What a `describeBroker` factory returns: a fresh broker and how to dispose of it. */
export interface BrokerFixture {
  readonly broker: Broker;
  [Symbol.asyncDispose](): Promise<void>;
}

/** Options of `describeBroker`. */
export interface DescribeBrokerOptions {
  /**
   * Events a broker may keep beyond a topic's `history` (Redis `MAXLEN ~` trims whole stream nodes).
   * @default 0
   */
  historySlack?: number | undefined;
  /**
   * How long to wait for a delivery before a test fails.
   * @default 5_000
   */
  timeoutMs?: number | undefined;
}

interface Collector {
  readonly events: StoredEvent[];
  readonly onEvent: (event: StoredEvent) => void;
  until(count: number): Promise<StoredEvent[]>;
}

function collector(timeoutMs: number): Collector {
  const events: StoredEvent[] = [];
  let waiter: { count: number; resolve: () => void } | undefined;
  return {
    events,
    onEvent(event) {
      events.push(event);
      if (waiter && events.length >= waiter.count) waiter.resolve();
    },
    until(count) {
      if (events.length >= count) return Promise.resolve(events);
      return new Promise<StoredEvent[]>((resolve, reject) => {
        const timer = setTimeout(() => {
          waiter = undefined;
          reject(new Error(`expected ${count} events within ${timeoutMs} ms, got ${events.length}`));
        }, timeoutMs);
        waiter = {
          count,
          resolve: () => {
            clearTimeout(timer);
            waiter = undefined;
            resolve(events);
          },
        };
      });
    },
  };
}

function expectIncreasing(ids: readonly string[]): void {
  for (const id of ids) expect(parseEventId(id), `"${id}" is a <ms>-<seq> id`).not.toBeNull();
  for (let i = 1; i < ids.length; i++) {
    expect(compareEventIds(ids[i - 1]!, ids[i]!), `${ids[i - 1]} < ${ids[i]}`).toBe(-1);
  }
}

async function publishMany(broker: Broker, topic: TopicRef, count: number, name = 'tick'): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < count; i++) ids.push(await broker.publish(topic, name, JSON.stringify({ n: i })));
  return ids;
}

/**
 * The conformance suite every `Broker` passes: ordering, live delivery, unsubscribe, replay, gap
 * detection, topic isolation and the history bound. Each test gets a fresh broker from `factory`
 * and uses topic keys under a random prefix.
 * @example
 * describeBroker('memoryBroker', async () => {
 *   const broker = memoryBroker();
 *   return { broker, [Symbol.asyncDispose]: () => broker.close() };
 * });
 */
export function describeBroker(
  name: string,
  factory: () => Promise<BrokerFixture>,
  options: DescribeBrokerOptions = {},
): void {
  const slack = options.historySlack ?? 0;
  const timeoutMs = options.timeoutMs ?? 5_000;
  const topic = (history = 100, suffix = 'topic'): TopicRef => ({
    key: `conformance-${randomUUID()}:${suffix}`,
    history,
  });

  describe(`${name} (Broker conformance)`, () => {
    it('publish resolves to well-formed ids that strictly increase, also when calls overlap', async () => {
      await using fixture = await factory();
      const ref = topic();
      const sequential = await publishMany(fixture.broker, ref, 20);
      const concurrent = await Promise.all(
        Array.from({ length: 50 }, (_, i) => fixture.broker.publish(ref, 'tick', String(i))),
      );
      expectIncreasing([...sequential, ...concurrent]);
    });

    it('delivers every event published after subscribe resolves, in id order, byte for byte', async () => {
      await using fixture = await factory();
      const ref = topic();
      const seen = collector(timeoutMs);
      const unsubscribe = await fixture.broker.subscribe(ref, seen.onEvent);
      const payloads = [
        JSON.stringify({ text: 'héllo ☃ \u2028 "quoted"\\n' }),
        '1',
        '[]',
        '{"a":{"b":null}}',
      ];
      const published = await Promise.all(
        payloads.map((data, i) => fixture.broker.publish(ref, `e${i}`, data)),
      );
      const received = await seen.until(payloads.length);
      expect(received).toEqual(published.map((id, i) => ({ id, name: `e${i}`, data: payloads[i] })));
      expectIncreasing(received.map((event) => event.id));
      unsubscribe();
    });

    it('fans out to every subscriber of a topic and stops at unsubscribe', async () => {
      await using fixture = await factory();
      const ref = topic();
      const first = collector(timeoutMs);
      const second = collector(timeoutMs);
      const unsubscribeFirst = await fixture.broker.subscribe(ref, first.onEvent);
      const unsubscribeSecond = await fixture.broker.subscribe(ref, second.onEvent);
      await fixture.broker.publish(ref, 'tick', '1');
      await first.until(1);
      await second.until(1);
      unsubscribeFirst();
      unsubscribeFirst(); // idempotent
      await fixture.broker.publish(ref, 'tick', '2');
      await fixture.broker.publish(ref, 'tick', '3');
      await second.until(3);
      expect(first.events.map((event) => event.data)).toEqual(['1']);
      expect(second.events.map((event) => event.data)).toEqual(['1', '2', '3']);
      unsubscribeSecond();
    });

    it('replays the stored events after an id, oldest first, without a gap', async () => {
      await using fixture = await factory();
      const ref = topic(100);
      const ids = await publishMany(fixture.broker, ref, 10);
      const result = await fixture.broker.replay(ref, ids[3]!);
      expect(result.gap).toBe(false);
      expect(result.events.map((event) => event.id)).toEqual(ids.slice(4));
      expect(result.events.map((event) => event.data)).toEqual(
        ids.slice(4).map((_, i) => JSON.stringify({ n: i + 4 })),
      );
    });

    it('latestId, when the broker has it, is the newest id issued (undefined before any), even past history', async () => {
      await using fixture = await factory();
      const latestId = fixture.broker.latestId?.bind(fixture.broker);
      if (!latestId) return; // optional: a broker without it just sends no position frames
      const ref = topic(3);
      expect(await latestId(ref)).toBeUndefined();
      const ids = await publishMany(fixture.broker, ref, 7);
      expect(await latestId(ref)).toBe(ids.at(-1));
      expect(await fixture.broker.replay(ref, ids.at(-1)!)).toMatchObject({ events: [], gap: false });
    });

    it('replays nothing and signals no gap after the latest id', async () => {
      await using fixture = await factory();
      const ref = topic(5);
      const ids = await publishMany(fixture.broker, ref, 12);
      const result = await fixture.broker.replay(ref, ids.at(-1)!);
      expect(result).toMatchObject({ events: [], gap: false });
    });

    it('signals a gap when events after the id were evicted, and replays what it still has', async () => {
      await using fixture = await factory();
      const history = 3;
      const ref = topic(history);
      const ids = await publishMany(fixture.broker, ref, history + slack + 10);
      const result = await fixture.broker.replay(ref, ids[0]!);
      expect(result.gap).toBe(true);
      const replayed = result.events.map((event) => event.id);
      expect(replayed.length).toBeGreaterThanOrEqual(history);
      expect(replayed).toEqual(ids.slice(ids.length - replayed.length));
      expect(result.oldestAvailableId).toBe(replayed[0]);
    });

    it('signals a gap for an id newer than any the topic issued', async () => {
      await using fixture = await factory();
      const ref = topic();
      const ids = await publishMany(fixture.broker, ref, 3);
      const last = parseEventId(ids.at(-1)!)!;
      const future = `${last.ms + 3_600_000}-0`;
      expect(await fixture.broker.replay(ref, future)).toMatchObject({ events: [], gap: true });
      expect(await fixture.broker.replay(ref, `${last.ms}-${last.seq + 1}`)).toMatchObject({ gap: true });
    });

    it('signals a gap for any id on a topic that has issued nothing', async () => {
      await using fixture = await factory();
      const result = await fixture.broker.replay(topic(), `${Date.now()}-0`);
      expect(result).toMatchObject({ events: [], gap: true });
    });

    it('keeps at most history events per topic (plus the documented slack), the newest ones', async () => {
      await using fixture = await factory();
      for (const history of [1, 7]) {
        const ref = topic(history);
        const ids = await publishMany(fixture.broker, ref, history + slack + 25);
        const result = await fixture.broker.replay(ref, ids[0]!);
        expect(result.events.length).toBeGreaterThanOrEqual(history);
        expect(result.events.length).toBeLessThanOrEqual(history + slack);
        expect(result.events.at(-1)?.id).toBe(ids.at(-1));
      }
    });

    it("gives each topic its own sequence: a topic's ids say nothing of another's events", async () => {
      await using fixture = await factory();
      const watched = topic(100, 'watched');
      const other = topic(100, 'other');
      const ids: string[] = [];
      for (let round = 0; round < 50; round++) {
        ids.push(await fixture.broker.publish(watched, 'tick', String(round)));
        await Promise.all(Array.from({ length: 5 }, () => fixture.broker.publish(other, 'tick', '0')));
      }
      // Within one millisecond the watched topic's sequence counts only its own events.
      for (let i = 1; i < ids.length; i++) {
        const previous = parseEventId(ids[i - 1])!;
        const next = parseEventId(ids[i])!;
        expect(
          next.ms === previous.ms ? next.seq - previous.seq : next.seq,
          `${ids[i - 1]} → ${ids[i]}`,
        ).toBe(next.ms === previous.ms ? 1 : 0);
      }
    });

    it('isolates topics whose keys look alike', async () => {
      await using fixture = await factory();
      const base = `conformance-${randomUUID()}:k`;
      const keys = [
        base,
        `${base}*`,
        `${base}?`,
        `${base}[a]`,
        `${base}:1`,
        `${base}\\`,
        `${base} `,
        base.toUpperCase(),
      ];
      const seen = new Map<string, Collector>();
      const unsubscribes: (() => void)[] = [];
      for (const key of keys) {
        const c = collector(timeoutMs);
        seen.set(key, c);
        unsubscribes.push(await fixture.broker.subscribe({ key, history: 10 }, c.onEvent));
      }
      for (const key of keys) await fixture.broker.publish({ key, history: 10 }, 'own', JSON.stringify(key));
      for (const key of keys) await fixture.broker.publish({ key, history: 10 }, 'end', JSON.stringify(key));
      for (const key of keys) {
        const events = await seen.get(key)!.until(2);
        expect(events.map((event) => [event.name, event.data])).toEqual([
          ['own', JSON.stringify(key)],
          ['end', JSON.stringify(key)],
        ]);
      }
      const other = await fixture.broker.replay({ key: `${base}-none`, history: 10 }, '0-0');
      expect(other.events).toEqual([]);
      for (const key of keys) {
        const stored = await fixture.broker.replay({ key, history: 10 }, '0-0');
        expect(stored.events.map((event) => event.data)).toEqual([JSON.stringify(key), JSON.stringify(key)]);
      }
      for (const unsubscribe of unsubscribes) unsubscribe();
    });
  });
}
