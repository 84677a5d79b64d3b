import { topicKey } from '@tidings/contract/wire';
import { collector } from '@tidings/test-kit/collector';
import { market } from '@tidings/test-kit/contract';
import { getRequest, rawSocket } from '@tidings/test-kit/raw-socket';
import { serverResource } from '@tidings/test-kit/server';
import { openSse } from '@tidings/test-kit/sse';
import { within } from '@tidings/test-kit/wait';
import { describe, expect, it, vi } from 'vitest';
import type { Broker } from './broker.ts';
import { createHub } from './create-hub.ts';
import type { HubOptions } from './hub-types.ts';
import { reportingBroker } from './test-support/reporting-broker.ts';

interface LogLine {
  readonly level: number;
  readonly msg: string;
  readonly reqId?: string;
  readonly [key: string]: unknown;
}

const DEBUG = 20;
const INFO = 30;
const WARN = 40;
const WAIT = { timeout: 10_000, interval: 5 };

/** A hub served by Fastify whose logger (pino, JSON lines) writes to a collector. */
async function logged(level: 'debug' | 'info', options: HubOptions<typeof market> = {}) {
  const lines = collector<LogLine>();
  const hub = createHub(market, options);
  const server = await serverResource(hub, {
    fastify: {
      logger: { level, stream: { write: (line: string) => lines.push(JSON.parse(line) as LogLine) } },
    },
  });
  const ours = () => lines.items.filter((line) => line.msg.startsWith('@tidings/server'));
  /** The request id Fastify gave the request for `url`. */
  const reqIdOf = async (url: string) => {
    const requested = (line: LogLine) => (line['req'] as { url?: string } | undefined)?.url === url;
    const items = await lines.when((all) => all.some(requested), `a request for ${url}`);
    return items.find(requested)!.reqId!;
  };
  return Object.assign(server, { lines, ours, reqIdOf });
}

describe('logs through Fastify’s logger, with the request id', () => {
  it('debug: "stream opened" and "stream closed" (with its duration and why), each with the request id', async () => {
    await using server = await logged('debug');
    const stream = await openSse(`${server.url}/ticker/ACME`);
    await stream.when(() => stream.retries.length === 1, 'open');
    const reqId = await server.reqIdOf('/streams/ticker/ACME');
    const opened = await server.lines.when(
      (items) => items.some((line) => line.msg === '@tidings/server: stream opened'),
      'opened',
    );
    expect(opened.find((line) => line.msg === '@tidings/server: stream opened')).toMatchObject({
      level: DEBUG,
      reqId,
      stream: 'ticker',
      subscriptions: 1,
      resumed: 0,
    });
    await stream[Symbol.asyncDispose]();
    const closed = (
      await server.lines.when(
        (items) => items.some((line) => line.msg === '@tidings/server: stream closed'),
        'closed',
      )
    ).find((line) => line.msg === '@tidings/server: stream closed')!;
    expect(closed).toMatchObject({ level: DEBUG, reqId, stream: 'ticker', reason: 'client' });
    expect(closed['durationMs']).toEqual(expect.any(Number));
  });

  it('debug: a gap served on resume, with the ids and the request id', async () => {
    await using server = await logged('debug');
    const ids: string[] = [];
    for (let i = 0; i < 5; i++)
      ids.push(await server.hub.streams.announcements.emit('notice', { text: `${i}` }));
    await using stream = await openSse(`${server.url}/announcements`, { 'last-event-id': ids[0]! });
    await stream.until(4);
    const reqId = await server.reqIdOf('/streams/announcements');
    const gap = server.ours().find((line) => line.msg.startsWith('@tidings/server: gap served'));
    expect(gap).toMatchObject({
      level: DEBUG,
      reqId,
      stream: 'announcements',
      lastEventId: ids[0],
      oldestAvailableId: ids[2],
    });
  });

  it('info: a slow-consumer cut, with what it buffered and the request id', async () => {
    await using server = await logged('info', { maxBufferedBytes: 64 * 1024 });
    await using stuck = await rawSocket(server.port, getRequest('/streams/rooms/lobby'), { read: false });
    await vi.waitFor(() => expect(server.hub.stats().connections).toBe(1), WAIT);
    const text = 'x'.repeat(16 * 1024);
    for (let batch = 0; batch < 512 && server.hub.stats().slowConsumerDisconnects === 0; batch++) {
      await Promise.all(
        Array.from({ length: 16 }, () => server.hub.streams.room.emit({ room: 'lobby' }, 'say', { text })),
      );
      await new Promise((resolve) => setImmediate(resolve));
    }
    expect(server.hub.stats().slowConsumerDisconnects).toBe(1);
    const reqId = await server.reqIdOf('/streams/rooms/lobby');
    const cut = server.ours().find((line) => line.msg.startsWith('@tidings/server: slow consumer cut'));
    expect(cut).toMatchObject({ level: INFO, reqId, stream: 'room', maxBufferedBytes: 64 * 1024 });
    expect(cut?.['bufferedBytes']).toBeGreaterThan(64 * 1024);
    stuck.socket.resume();
    await within(stuck.closed, 10_000, 'the server to cut the stuck socket');
  }, 60_000);

  it('warn: broker errors — a failed replay (with the request id), a hole in live delivery (app-wide)', async () => {
    await using reporting = reportingBroker();
    const failing: Broker = {
      ...reporting.broker,
      replay: () => Promise.reject(new Error('connection reset')),
    };
    await using server = await logged('info', { broker: failing });
    const replayed = await openSse(`${server.url}/announcements`, { 'last-event-id': '1-0' });
    await replayed.ended;
    const reqId = await server.reqIdOf('/streams/announcements');
    expect(server.ours().find((line) => line.msg.includes('could not replay'))).toMatchObject({
      level: WARN,
      reqId,
      stream: 'announcements',
      err: { message: 'connection reset' },
    });

    await using live = await openSse(`${server.url}/ticker/ACME`);
    await live.when(() => live.retries.length === 1, 'open');
    reporting.loseEvents(topicKey('ticker', { symbol: 'ACME' }), {
      lastEventId: '1-0',
      oldestAvailableId: '7-0',
    });
    await live.until(1);
    expect(server.ours().find((line) => line.msg.includes('lost live events'))).toMatchObject({
      level: WARN,
      stream: 'ticker',
      lastEventId: '1-0',
      oldestAvailableId: '7-0',
      subscriptions: 1,
    });
  });

  it('info is quiet: streams that open, resume with a gap, receive and close log no line of ours', async () => {
    await using server = await logged('info');
    const ids: string[] = [];
    for (let i = 0; i < 5; i++)
      ids.push(await server.hub.streams.announcements.emit('notice', { text: `${i}` }));
    const resumed = await openSse(`${server.url}/announcements`, { 'last-event-id': ids[0]! });
    await resumed.until(4);
    const fresh = await openSse(`${server.url}/announcements`);
    await fresh.when(() => fresh.retries.length === 1, 'open');
    await server.hub.streams.announcements.emit('notice', { text: 'live' });
    await fresh.until(1);
    await resumed[Symbol.asyncDispose]();
    await fresh[Symbol.asyncDispose]();
    await vi.waitFor(() => expect(server.hub.stats().connections).toBe(0), WAIT);
    expect(server.ours()).toEqual([]);
  });
});
