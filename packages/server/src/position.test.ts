import { market } from '@tidings/test-kit/contract';
import { getRequest, rawSocket } from '@tidings/test-kit/raw-socket';
import { serverResource } from '@tidings/test-kit/server';
import { openSse } from '@tidings/test-kit/sse';
import { describe, expect, it } from 'vitest';
import { createHub } from './create-hub.ts';
import { heldBroker } from './test-support/held-broker.ts';

describe('position frame at a fresh subscribe', () => {
  it("tells a fresh subscriber the topic's newest id, in a block with no data line, after retry:", async () => {
    await using hub = createHub(market, { retryMs: 1000 });
    await using server = await serverResource(hub);
    await hub.streams.room.emit({ room: 'r' }, 'say', { text: 'old' });
    const latest = await hub.streams.room.emit({ room: 'r' }, 'say', { text: 'older news' });
    await using socket = await rawSocket(server.port, getRequest('/streams/rooms/r'));
    const position = `: position ${latest}\nid: ${latest}\n\n`;
    await socket.when((got) => got.includes(position), 'position frame');
    expect(socket.received()).toContain(`retry: 1000\n\n`);
    expect(socket.received()).not.toContain('older news');
    expect(hub.stats().framesWritten).toBe(0); // a position is not an event frame
  });

  it('sends no position for a topic that has issued nothing', async () => {
    await using hub = createHub(market);
    await using server = await serverResource(hub);
    await using stream = await openSse(`${server.url}/rooms/empty`);
    const live = await hub.streams.room.emit({ room: 'empty' }, 'say', { text: 'first' });
    expect((await stream.until(1)).map((e) => e.id)).toEqual([live]);
    expect(stream.positions).toEqual([]);
  });

  it('resuming from the position replays exactly what came after it, with no gap', async () => {
    await using hub = createHub(market);
    await using server = await serverResource(hub);
    const latest = await hub.streams.room.emit({ room: 'r' }, 'say', { text: 'before' });
    const first = await openSse(`${server.url}/rooms/r`);
    await first.when(() => first.positions.length === 1, 'position');
    expect(first.positions).toEqual([latest]);
    first.close();
    const missed = await hub.streams.room.emit({ room: 'r' }, 'say', { text: 'while away' });
    await using again = await openSse(`${server.url}/rooms/r`, { 'last-event-id': first.positions[0]! });
    expect((await again.until(1)).map((e) => [e.event, e.id])).toEqual([['say', missed]]);
    expect(hub.stats().gapsSignalled).toBe(0);
  });

  it('places the position in id order among live events that arrived while it was read', async () => {
    await using wrapped = heldBroker('latestId');
    await using hub = createHub(market, { broker: wrapped.broker });
    await using server = await serverResource(hub);
    await hub.streams.room.emit({ room: 'r' }, 'say', { text: 'before' });
    await using stream = await openSse(`${server.url}/rooms/r`);
    const during = await hub.streams.room.emit({ room: 'r' }, 'say', { text: 'during' });
    wrapped.release(); // latestId now reads `during`: the event goes first, then the position
    await stream.when(() => stream.positions.length === 1, 'position');
    const after = await hub.streams.room.emit({ room: 'r' }, 'say', { text: 'after' });
    expect((await stream.until(2)).map((e) => e.id)).toEqual([during, after]);
    expect(stream.positions).toEqual([during]);
    const body = stream.body();
    expect(body.indexOf(`id: ${during}\nevent: say`)).toBeLessThan(body.indexOf(`: position ${during}\n`));
    expect(body.indexOf(`: position ${during}\n`)).toBeLessThan(body.indexOf(`id: ${after}\n`));
  });

  it('a broker without latestId goes live at once, with no position', async () => {
    await using wrapped = heldBroker(null, { latestId: false });
    await using hub = createHub(market, { broker: wrapped.broker });
    await using server = await serverResource(hub);
    await hub.streams.room.emit({ room: 'r' }, 'say', { text: 'before' });
    await using stream = await openSse(`${server.url}/rooms/r`);
    const live = await hub.streams.room.emit({ room: 'r' }, 'say', { text: 'live' });
    expect((await stream.until(1)).map((e) => e.id)).toEqual([live]);
    expect(stream.positions).toEqual([]);
  });
});
