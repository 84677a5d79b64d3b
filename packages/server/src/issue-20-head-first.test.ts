import { market } from '@tidings/test-kit/contract';
import { dechunk, getRequest, rawSocket } from '@tidings/test-kit/raw-socket';
import { serverResource } from '@tidings/test-kit/server';
import { describe, expect, it } from 'vitest';
import { createHub } from './create-hub.ts';

// Node 24 holds a response's head and first body chunk back until the next tick; the HTTP/1.1
// fast path once wrote straight to the socket before that, so the body came before the status line.

const say = (id: string, text: string) => `id: ${id}\nevent: say\ndata: {"text":"${text}"}\n\n`;

/** The body of a chunked response, checking that every chunk's size line matches what follows it. */
function body(raw: string): string {
  const { chunks } = dechunk(raw);
  const declared = raw.slice(raw.indexOf('\r\n\r\n') + 4);
  const reframed = chunks.map((chunk) => `${Buffer.byteLength(chunk).toString(16)}\r\n${chunk}\r\n`).join('');
  expect(Buffer.from(declared, 'latin1').toString('utf8').startsWith(reframed)).toBe(true);
  return chunks.join('');
}

describe('the response head goes out before any body byte (issue 20)', () => {
  it('a resume with Last-Event-ID starts with HTTP/1.1 200 and is well-formed chunked SSE', async () => {
    await using hub = createHub(market);
    await using server = await serverResource(hub);
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) ids.push(await hub.streams.room.emit({ room: 'r' }, 'say', { text: `${i}` }));
    await using socket = await rawSocket(
      server.port,
      getRequest('/streams/rooms/r', { 'last-event-id': ids[0]! }),
    );
    await socket.when((got) => got.includes(`"text":"2"`), 'the replay');
    expect(socket.received().startsWith('HTTP/1.1 200 OK\r\n')).toBe(true);
    const live = await hub.streams.room.emit({ room: 'r' }, 'say', { text: '3' });
    await socket.when((got) => got.includes(`"text":"3"`), 'the live event');
    expect(body(socket.received())).toBe(
      `retry: 2000\n\n${say(ids[1]!, '1')}${say(ids[2]!, '2')}${say(live, '3')}`,
    );
  });

  it('a fresh subscribe to a topic with history starts with the head, then the position', async () => {
    await using hub = createHub(market);
    await using server = await serverResource(hub);
    const last = await hub.streams.room.emit({ room: 'p' }, 'say', { text: 'before' });
    await using socket = await rawSocket(server.port, getRequest('/streams/rooms/p'));
    await socket.when((got) => got.includes(`id: ${last}`), 'the position');
    expect(socket.received().startsWith('HTTP/1.1 200 OK\r\n')).toBe(true);
    expect(body(socket.received())).toContain(`id: ${last}\n`);
  });

  it('a fresh subscribe to an empty topic starts with the head, then live events', async () => {
    await using hub = createHub(market);
    await using server = await serverResource(hub);
    await using socket = await rawSocket(server.port, getRequest('/streams/rooms/e'));
    await socket.when((got) => got.includes('retry:'), 'the retry frame');
    const id = await hub.streams.room.emit({ room: 'e' }, 'say', { text: 'live' });
    await socket.when((got) => got.includes('"text":"live"'), 'the live event');
    expect(socket.received().startsWith('HTTP/1.1 200 OK\r\n')).toBe(true);
    expect(body(socket.received())).toContain(say(id, 'live'));
  });

  it('an HTTP/1.0 resume gets the head first and an unframed body', async () => {
    await using hub = createHub(market);
    await using server = await serverResource(hub);
    const ids: string[] = [];
    for (let i = 0; i < 2; i++) ids.push(await hub.streams.room.emit({ room: 'o' }, 'say', { text: `${i}` }));
    const request = getRequest('/streams/rooms/o', { 'last-event-id': ids[0]! }).replace(
      'HTTP/1.1',
      'HTTP/1.0',
    );
    await using socket = await rawSocket(server.port, request);
    await socket.when((got) => got.includes('"text":"1"'), 'the replay');
    const raw = socket.received();
    expect(raw).toMatch(/^HTTP\/1\.1 200 OK\r\n/);
    expect(raw.slice(raw.indexOf('\r\n\r\n') + 4)).toBe(`retry: 2000\n\n${say(ids[1]!, '1')}`);
  });
});
