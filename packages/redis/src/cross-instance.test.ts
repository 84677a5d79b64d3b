import { randomUUID } from 'node:crypto';
import { isTidingsError } from '@tidings/contract';
import { eventSourceClient, type ReceivedEvent } from '@tidings/test-kit/event-source';
import { describe, expect, it } from 'vitest';
import { DEPLOYMENTS, useDeployment } from './test-support/deployments.ts';
import { instanceResource, workerResource } from './test-support/instance.ts';
import { adminClient, whenReady } from './test-support/resources.ts';
import { startRedisServer } from './testing/index.ts';

const quotes = (events: readonly ReceivedEvent[]) =>
  events.filter((event) => event.type === 'quote').map((event) => JSON.parse(event.data).n as number);

describe.each(DEPLOYMENTS)('two Fastify instances on one %s', (kind) => {
  const redis = useDeployment(kind);

  it('a client on A receives events emitted on B and by an emit-only worker, in order', async () => {
    const keyPrefix = `e2e-${randomUUID()}:`;
    await using a = await instanceResource(redis.current.connection(), keyPrefix);
    await using b = await instanceResource(redis.current.connection(), keyPrefix);
    await using worker = workerResource(redis.current.connection(), keyPrefix);
    await using ticker = eventSourceClient(`${a.url}/ticker/ACME`, { types: ['quote', 'halted'] });
    await using notices = eventSourceClient(`${a.url}/announcements`, { types: ['notice'] });
    await ticker.opened();
    await notices.opened();

    const ids: string[] = [];
    for (let n = 0; n < 10; n++) {
      const from = n % 2 === 0 ? b.hub : worker;
      ids.push(await from.streams.ticker.emit({ symbol: 'ACME' }, 'quote', { n, price: n / 2 }));
    }
    ids.push(await worker.streams.ticker.emit({ symbol: 'ACME' }, 'halted', { reason: 'done' }));
    const notice = await b.hub.streams.announcements.emit('notice', { text: 'market opens' });
    // Another topic of the same stream must not leak in.
    await b.hub.streams.ticker.emit({ symbol: 'OTHER' }, 'quote', { n: -1, price: 0 });

    await ticker.until((events) => events.length >= 11, '11 ticker events');
    await notices.until((events) => events.length >= 1, 'the notice');
    expect(ticker.events.map((event) => event.id)).toEqual(ids);
    expect(quotes(ticker.events)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(ticker.events.at(-1)).toEqual({ type: 'halted', id: ids.at(-1), data: '{"reason":"done"}' });
    expect(notices.events).toEqual([
      { type: 'notice', id: notice, data: '{"text":"market opens","level":"info"}' },
    ]);
    expect(a.hub.stats().eventsEmitted).toBe(0);
    expect(b.hub.streams.ticker.subscriberCount({ symbol: 'ACME' })).toBe(0);
    expect(a.hub.streams.ticker.subscriberCount({ symbol: 'ACME' })).toBe(1);
  });

  it('a client resumes on B with an id it got from A: the missed events once, in order, then live', async () => {
    const keyPrefix = `e2e-${randomUUID()}:`;
    await using a = await instanceResource(redis.current.connection(), keyPrefix);
    await using b = await instanceResource(redis.current.connection(), keyPrefix);
    await using worker = workerResource(redis.current.connection(), keyPrefix);
    const emit = (n: number) => worker.streams.ticker.emit({ symbol: 'ACME' }, 'quote', { n, price: n });

    let lastSeen: string;
    {
      await using onA = eventSourceClient(`${a.url}/ticker/ACME`, { types: ['quote'] });
      await onA.opened();
      for (let n = 0; n < 5; n++) await emit(n);
      await onA.until((events) => events.length >= 5, '5 events on A');
      lastSeen = onA.events.at(-1)!.id;
    }
    const missed: string[] = [];
    for (let n = 5; n < 25; n++) missed.push(await emit(n));

    await using onB = eventSourceClient(`${b.url}/ticker/ACME`, {
      types: ['quote', 'gap'],
      lastEventId: lastSeen,
    });
    await onB.until((events) => events.length >= 20, 'the 20 missed events on B');
    const live = [await emit(25), await emit(26)];
    await onB.until((events) => events.length >= 22, '2 live events on B');
    expect(onB.events.map((event) => event.type)).not.toContain('gap');
    expect(onB.events.map((event) => event.id)).toEqual([...missed, ...live]);
    expect(quotes(onB.events)).toEqual(Array.from({ length: 22 }, (_, i) => i + 5));
    expect(b.hub.stats()).toMatchObject({ replaysServed: 1, gapsSignalled: 0 });
  });
});

describe('two Fastify instances on one single Redis', () => {
  it('keeps serving through a Redis crash: every resolved emit reaches the client on the other instance once', async () => {
    // The append-only file keeps what Redis acknowledged; see the README on persistence.
    await using store = await startRedisServer({ persistence: 'aof' });
    const keyPrefix = `e2e-${randomUUID()}:`;
    await using a = await instanceResource(store.url, keyPrefix);
    // B emits through a client of ours, so the test can await its reconnection instead of polling.
    await using bRedis = adminClient(store.url, { enableOfflineQueue: false, maxRetriesPerRequest: 0 });
    await using b = await instanceResource(store.url, keyPrefix, { client: bRedis });
    await using client = eventSourceClient(`${a.url}/ticker/ACME`, { types: ['quote', 'halted'] });
    await client.opened();

    const resolved = new Map<string, number>();
    const rejected = new Set<number>();
    let n = 0;
    let killed: Promise<void> | undefined;
    const emitWindow = () =>
      Promise.all(
        Array.from({ length: 20 }, async () => {
          const mine = n++;
          try {
            const id = await b.hub.streams.ticker.emit({ symbol: 'ACME' }, 'quote', { n: mine, price: 1 });
            resolved.set(id, mine);
            if (resolved.size === 200) killed = store.kill();
          } catch (error) {
            expect(isTidingsError(error) && error.code).toBe('BROKER_ERROR');
            rejected.add(mine);
          }
        }),
      );
    // Redis is killed in the middle of a window of concurrent emits.
    for (let window = 0; window < 50 && killed === undefined; window++) await emitWindow();
    await killed;
    const beforeOutage = n;
    await emitWindow(); // all rejected at once: Redis is down
    expect(rejected.size).toBeGreaterThanOrEqual(n - beforeOutage);
    for (let i = beforeOutage; i < n; i++) expect(rejected.has(i)).toBe(true);

    await store.restart();
    await whenReady(bRedis);
    // A's subscriber may still be reconnecting: what it misses now comes back through its catch-up.
    const afterRestart = resolved.size;
    for (let window = 0; window < 10; window++) await emitWindow();
    expect(resolved.size - afterRestart).toBe(200);
    const end = await b.hub.streams.ticker.emit({ symbol: 'ACME' }, 'halted', { reason: 'end' });
    await client.until((events) => events.at(-1)?.id === end, 'the end marker');

    const seen = client.events.filter((event) => event.type === 'quote');
    const seenIds = seen.map((event) => event.id);
    expect(new Set(seenIds).size).toBe(seenIds.length);
    const seenByN = new Map(seen.map((event) => [JSON.parse(event.data).n as number, event.id]));
    for (const [id, mine] of resolved) expect(seenByN.get(mine)).toBe(id);
    for (const event of seen)
      if (!resolved.has(event.id)) expect(rejected.has(JSON.parse(event.data).n)).toBe(true);
    // The connection on A stayed open the whole time: no error, no second open.
    expect({ errors: client.errors, opens: client.opens }).toEqual({ errors: 0, opens: 1 });
  });
});
