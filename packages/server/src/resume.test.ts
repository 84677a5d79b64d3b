import { market } from '@tidings/test-kit/contract';
import { eventSourceClient } from '@tidings/test-kit/event-source';
import { getRequest, rawSocket } from '@tidings/test-kit/raw-socket';
import { serverResource } from '@tidings/test-kit/server';
import { openSse } from '@tidings/test-kit/sse';
import { describe, expect, it } from 'vitest';
import { createHub } from './create-hub.ts';

async function emitRoom(hub: ReturnType<typeof createHub<typeof market>>, count: number, from = 0) {
  const ids: string[] = [];
  for (let i = from; i < from + count; i++)
    ids.push(await hub.streams.room.emit({ room: 'r' }, 'say', { text: `${i}` }));
  return ids;
}

describe('resume with Last-Event-ID', () => {
  it('sends the stored events after the id, then live ones, without a gap', async () => {
    await using hub = createHub(market);
    await using server = await serverResource(hub);
    const ids = await emitRoom(hub, 4);
    await using stream = await openSse(`${server.url}/rooms/r`, { 'last-event-id': ids[1]! });
    await stream.until(2);
    const live = await emitRoom(hub, 1, 4);
    const events = await stream.until(3);
    expect(events).toEqual([
      { id: ids[2], event: 'say', data: '{"text":"2"}' },
      { id: ids[3], event: 'say', data: '{"text":"3"}' },
      { id: live[0], event: 'say', data: '{"text":"4"}' },
    ]);
    expect(hub.stats()).toMatchObject({ replaysServed: 1, gapsSignalled: 0, framesWritten: 3 });
  });

  it('takes the position from the lastEventId query param when there is no header (a new EventSource)', async () => {
    await using hub = createHub(market);
    await using server = await serverResource(hub);
    const ids = await emitRoom(hub, 4);
    await using stream = await openSse(`${server.url}/rooms/r?lastEventId=${ids[2]}`);
    const events = await stream.until(1);
    expect(events).toEqual([{ id: ids[3], event: 'say', data: '{"text":"3"}' }]);
    await using both = await openSse(`${server.url}/rooms/r?lastEventId=${ids[0]}`, {
      'last-event-id': ids[2]!,
    });
    expect((await both.until(1))[0]?.id).toBe(ids[3]);
    expect(hub.stats()).toMatchObject({ replaysServed: 2, gapsSignalled: 0 });
  });

  it('signals a gap with lastEventId and oldestAvailableId before what is left, as a frame without id', async () => {
    await using hub = createHub(market);
    await using server = await serverResource(hub);
    const ids = await emitRoom(hub, 9); // history 5: ids[0..3] evicted
    await using socket = await rawSocket(
      server.port,
      getRequest('/streams/rooms/r', { 'last-event-id': ids[1]! }),
    );
    const gap = `event: gap\ndata: {"lastEventId":"${ids[1]}","oldestAvailableId":"${ids[4]}"}\n\n`;
    const replayed = ids.slice(4).map((id, i) => `id: ${id}\nevent: say\ndata: {"text":"${i + 4}"}\n\n`);
    await socket.when((got) => got.includes(replayed.at(-1)!), 'replay');
    expect(socket.received()).toContain(`${gap}${replayed.join('')}`);
    expect(hub.stats()).toMatchObject({ replaysServed: 1, gapsSignalled: 1 });
  });

  it('signals a gap for an id newer than any the topic issued', async () => {
    await using hub = createHub(market);
    await using server = await serverResource(hub);
    const ids = await emitRoom(hub, 2);
    const future = `${Number(ids[1]!.split('-')[0]) + 60_000}-0`;
    await using stream = await openSse(`${server.url}/rooms/r`, { 'last-event-id': future });
    const [gap] = await stream.until(1);
    expect(gap?.event).toBe('gap');
    expect(gap?.id).toBeUndefined();
    expect(JSON.parse(gap!.data)).toMatchObject({ lastEventId: future });
  });

  it('treats a malformed Last-Event-ID as a fresh subscribe, with no gap and no replay', async () => {
    await using hub = createHub(market);
    await using server = await serverResource(hub);
    await emitRoom(hub, 3);
    const malformed = [
      'garbage',
      '1-2-3',
      '01-1',
      '-1-0',
      '1.5-0',
      '99999999999999999-0',
      'x'.repeat(8_000),
      '1-0 1',
    ];
    for (const value of malformed) {
      await using stream = await openSse(`${server.url}/rooms/r`, { 'last-event-id': value });
      expect(stream.status, value).toBe(200);
      const [live] = await emitRoom(hub, 1, 100);
      const [event] = await stream.until(1);
      expect(event?.id, value).toBe(live);
    }
    expect(hub.stats()).toMatchObject({ replaysServed: 0, gapsSignalled: 0 });
  });

  it('lets an EventSource that lost its connection resume where it left off', async () => {
    await using hub = createHub(market, { retryMs: 10 });
    await using server = await serverResource(hub);
    using source = eventSourceClient(`${server.url}/rooms/r`, { types: ['say'] });
    await source.opened();
    await emitRoom(hub, 2);
    await source.until((events) => events.length >= 2, 'the first two');
    server.destroySockets();
    await emitRoom(hub, 2, 2); // emitted while the client is away
    await source.until((events) => events.length >= 4, 'all four');
    const seen = source.events.map((event) => JSON.parse(event.data).text);
    expect(seen).toEqual(['0', '1', '2', '3']);
    expect(hub.stats().replaysServed).toBe(1);
  });
});
