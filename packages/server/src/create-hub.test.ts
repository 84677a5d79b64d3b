import { market } from '@tidings/test-kit/contract';
import { serverResource } from '@tidings/test-kit/server';
import { openSse } from '@tidings/test-kit/sse';
import { describe, expect, it } from 'vitest';
import { createHub } from './create-hub.ts';
import { memoryBroker } from './memory-broker.ts';

describe('createHub without Fastify', () => {
  it('emits through the broker and resolves to the stored event id', async () => {
    const broker = memoryBroker();
    await using hub = createHub(market, { broker });
    const id = await hub.streams.ticker.emit({ symbol: 'ACME' }, 'quote', { price: 1.5 });
    const notice = await hub.streams.announcements.emit('notice', { text: 'open' });
    const replay = await broker.replay({ key: 'ticker?symbol=sACME', history: 1000 }, '0-0');
    expect(replay.events).toEqual([{ id, name: 'quote', data: '{"price":1.5}' }]);
    // The schema's output is what travels: the .default() field is filled in.
    const announced = await broker.replay({ key: 'announcements', history: 100 }, '0-0');
    expect(announced.events).toEqual([
      { id: notice, name: 'notice', data: '{"text":"open","level":"info"}' },
    ]);
    expect(hub.stats().eventsEmitted).toBe(2);
    await broker.close();
  });

  it('rejects params no route would accept, naming the field', async () => {
    await using hub = createHub(market);
    await expect(
      hub.streams.ticker.emit({ symbol: 'acme' }, 'halted', { reason: 'x' }),
    ).rejects.toMatchObject({
      name: 'TidingsValidationError',
      message: expect.stringMatching(/stream "ticker": invalid params — symbol:/),
    });
    await expect(
      hub.streams.room.emit({ room: 7 } as unknown as { room: string }, 'say', { text: 'x' }),
    ).rejects.toThrow(/stream "room": invalid params — room: expected a string, got number/);
    // A valid topic is remembered between emits; an invalid one after it is still refused.
    await expect(hub.streams.ticker.emit({ symbol: 'ACME' }, 'halted', { reason: 'x' })).resolves.toMatch(
      /-/,
    );
    await expect(hub.streams.ticker.emit({ symbol: 'acme' }, 'halted', { reason: 'x' })).rejects.toThrow(
      /invalid params/,
    );
    await expect(hub.streams.ticker.emit({ symbol: 'ACME' }, 'halted', { reason: 'x' })).resolves.toMatch(
      /-/,
    );
  });

  it('closes the broker it created, leaves a broker passed in open, and refuses emit after close', async () => {
    const own = createHub(market);
    await own.close();
    await expect(own.broker.publish({ key: 'x', history: 1 }, 'a', '1')).rejects.toThrow(
      /memoryBroker is closed/,
    );
    await expect(own.streams.announcements.emit('notice', { text: 'late' })).rejects.toMatchObject({
      code: 'HUB_CLOSED',
    });

    const broker = memoryBroker();
    const passed = createHub(market, { broker });
    await passed.close();
    await passed.close(); // idempotent
    await expect(broker.publish({ key: 'x', history: 1 }, 'a', '1')).resolves.toMatch(/^\d+-\d+$/);
    await broker.close();
  });

  it('counts subscribers per topic and per stream', async () => {
    const hub = createHub(market);
    await using server = await serverResource(hub);
    await using a = await openSse(`${server.url}/ticker/ACME`);
    await using b = await openSse(`${server.url}/ticker/ACME`);
    await using c = await openSse(`${server.url}/ticker/XYZ`);
    await using d = await openSse(`${server.url}/announcements`);
    expect([a.status, b.status, c.status, d.status]).toEqual([200, 200, 200, 200]);
    expect(hub.streams.ticker.subscriberCount({ symbol: 'ACME' })).toBe(2);
    expect(hub.streams.ticker.subscriberCount({ symbol: 'XYZ' })).toBe(1);
    expect(hub.streams.ticker.subscriberCount({ symbol: 'NONE' })).toBe(0);
    expect(hub.streams.announcements.subscriberCount()).toBe(1);
    expect(hub.stats()).toMatchObject({
      connections: 4,
      subscribers: { ticker: 3, announcements: 1, room: 0 },
    });
  });

  it('stats() has exactly the documented keys', async () => {
    await using hub = createHub(market);
    expect(hub.stats()).toEqual({
      connections: 0,
      subscriptions: 0,
      subscribers: { ticker: 0, announcements: 0, room: 0 },
      eventsEmitted: 0,
      framesWritten: 0,
      replaysServed: 0,
      gapsSignalled: 0,
      liveGaps: 0,
      slowConsumerDisconnects: 0,
      contractMismatches: 0,
    });
  });
});
