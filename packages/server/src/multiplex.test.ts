import { fingerprint } from '@tidings/contract';
import { type MultiplexEntry, type MuxFrame, parseMuxFrame } from '@tidings/contract/wire';
import { market } from '@tidings/test-kit/contract';
import { serverResource } from '@tidings/test-kit/server';
import { openSse, type SseStream } from '@tidings/test-kit/sse';
import { describe, expect, it } from 'vitest';
import { createHub } from './create-hub.ts';
import type { HubOptions } from './hub-types.ts';

const list = (entries: readonly MultiplexEntry[]) => `s=${encodeURIComponent(JSON.stringify(entries))}`;

/** The frames of a multiplexed stream, read back. */
const frames = (stream: SseStream): MuxFrame[] =>
  stream.events.map(
    (event) => parseMuxFrame(event.data) ?? ({ kind: 'err', alias: '?', value: event.data } as const),
  );

async function served(options: HubOptions<typeof market> = {}) {
  const hub = createHub(market, options);
  const server = await serverResource(hub);
  return Object.assign(server, {
    mux: (entries: readonly MultiplexEntry[]) => `${server.url}/@tidings?${list(entries)}`,
  });
}

describe('many subscriptions over one connection', () => {
  it('carries each subscription, acknowledged with its topic alias before anything of that topic', async () => {
    await using server = await served();
    const { hub } = server;
    await using stream = await openSse(
      server.mux([
        { k: 'acme', s: 'ticker', p: { symbol: 'ACME' } },
        { k: 'nova', s: 'ticker', p: { symbol: 'NOVA' } },
        { k: 'news', s: 'announcements' },
      ]),
    );
    expect(stream.status).toBe(200);
    expect(stream.headers['content-type']).toBe('text/event-stream; charset=utf-8');
    await stream.until(6); // three acknowledgements, three positions (the topics are empty: "-")
    const acks = frames(stream).filter((frame) => frame.kind === 'sub');
    expect(acks.map((frame) => frame.kind === 'sub' && frame.value)).toEqual(['acme', 'nova', 'news']);
    const alias = Object.fromEntries(
      acks.map((frame) => [frame.kind === 'sub' ? frame.value : '', frame.alias]),
    );
    expect(new Set(Object.values(alias)).size).toBe(3);
    expect(hub.stats()).toMatchObject({
      connections: 1,
      subscriptions: 3,
      subscribers: { ticker: 2, announcements: 1 },
    });

    const a = await hub.streams.ticker.emit({ symbol: 'ACME' }, 'quote', { price: 1 });
    const n = await hub.streams.announcements.emit('notice', { text: 'hi' });
    const b = await hub.streams.ticker.emit({ symbol: 'NOVA' }, 'halted', { reason: 'auction' });
    await stream.until(9);
    expect(frames(stream).filter((frame) => frame.kind === 'pos')).toHaveLength(3);
    expect(frames(stream).filter((frame) => frame.kind === 'event')).toEqual([
      { kind: 'event', alias: alias['acme'], id: a, name: 'quote', data: '{"price":1}' },
      { kind: 'event', alias: alias['news'], id: n, name: 'notice', data: '{"text":"hi","level":"info"}' },
      { kind: 'event', alias: alias['nova'], id: b, name: 'halted', data: '{"reason":"auction"}' },
    ]);
    // No plain frame on a multiplexed connection: everything is one data line an EventSource hands to onmessage.
    expect(stream.events.every((event) => event.event === undefined && event.id === undefined)).toBe(true);
  });

  it('refuses one invalid or unauthorized subscription with its own status, and serves the others', async () => {
    await using server = await served({
      authorize: ({ stream, params }) => stream !== 'room' || (params as { room: string }).room !== 'vip',
    });
    await using stream = await openSse(
      server.mux([
        { k: 'bad', s: 'ticker', p: { symbol: 'lowercase' } },
        { k: 'vip', s: 'room', p: { room: 'vip' } },
        { k: 'ok', s: 'room', p: { room: 'lobby' } },
        { k: 'depth', s: 'ticker', p: { symbol: 'ACME' }, q: { depth: 99 } },
      ]),
    );
    await stream.until(5);
    const errors = frames(stream)
      .filter((frame) => frame.kind === 'err')
      .map((frame) => JSON.parse(frame.kind === 'err' ? frame.value : '{}'));
    expect(errors).toEqual([
      {
        k: 'bad',
        status: 400,
        body: {
          error: 'invalid_params',
          location: 'params',
          issues: [expect.objectContaining({ path: ['symbol'] })],
        },
      },
      { k: 'vip', status: 403, body: { error: 'forbidden', stream: 'room' } },
      {
        k: 'depth',
        status: 400,
        body: {
          error: 'invalid_params',
          location: 'query',
          issues: [expect.objectContaining({ path: ['depth'] })],
        },
      },
    ]);
    const [ack] = frames(stream).filter((frame) => frame.kind === 'sub');
    expect(ack).toMatchObject({ value: 'ok' });
    const id = await server.hub.streams.room.emit({ room: 'lobby' }, 'say', { text: 'still here' });
    await stream.until(6);
    expect(frames(stream).at(-1)).toEqual({
      kind: 'event',
      alias: ack!.alias,
      id,
      name: 'say',
      data: '{"text":"still here"}',
    });
    expect(server.hub.stats()).toMatchObject({ connections: 1, subscriptions: 1 });
  });

  it('resumes each subscription from its own cursor: replay, gap or position, per subscription', async () => {
    await using server = await served();
    const { hub } = server;
    const ids: string[] = [];
    for (let i = 0; i < 8; i++) ids.push(await hub.streams.room.emit({ room: 'r' }, 'say', { text: `${i}` }));
    const latest = await hub.streams.ticker.emit({ symbol: 'ACME' }, 'quote', { price: 1 });
    await using stream = await openSse(
      server.mux([
        { k: 'resume', s: 'room', p: { room: 'r' }, c: ids[5]! },
        { k: 'evicted', s: 'room', p: { room: 'old' } },
        { k: 'fresh', s: 'ticker', p: { symbol: 'ACME' } },
      ]),
    );
    await stream.until(6);
    const byKind = (kind: MuxFrame['kind']) => frames(stream).filter((frame) => frame.kind === kind);
    const alias = Object.fromEntries(
      byKind('sub').map((frame) => [frame.kind === 'sub' ? frame.value : '', frame.alias]),
    );
    expect(byKind('event')).toEqual([
      { kind: 'event', alias: alias['resume'], id: ids[6], name: 'say', data: '{"text":"6"}' },
      { kind: 'event', alias: alias['resume'], id: ids[7], name: 'say', data: '{"text":"7"}' },
    ]);
    // A fresh subscription always learns where it starts: the topic's newest id, or "-" for an empty topic.
    expect(byKind('pos')).toEqual([
      { kind: 'pos', alias: alias['evicted'], value: '-' },
      { kind: 'pos', alias: alias['fresh'], value: latest },
    ]);
    expect(hub.stats()).toMatchObject({ replaysServed: 1, gapsSignalled: 0 });

    await using evicted = await openSse(server.mux([{ k: 'late', s: 'room', p: { room: 'r' }, c: ids[0]! }]));
    await evicted.until(5);
    const gap = frames(evicted).find((frame) => frame.kind === 'gap');
    expect(gap && JSON.parse(gap.kind === 'gap' ? gap.value : '')).toEqual({
      lastEventId: ids[0],
      oldestAvailableId: ids[3],
    });
  });

  it('puts two subscriptions to one topic on one alias: each event crosses the wire once', async () => {
    await using server = await served();
    await using stream = await openSse(
      server.mux([
        { k: 'one', s: 'ticker', p: { symbol: 'ACME' } },
        { k: 'two', s: 'ticker', p: { symbol: 'ACME' }, q: { depth: 5 } },
      ]),
    );
    await stream.until(3);
    const acks = frames(stream).filter((frame) => frame.kind === 'sub');
    expect(acks.map((frame) => frame.kind === 'sub' && frame.value)).toEqual(['one', 'two']);
    expect(acks[0]!.alias).toBe(acks[1]!.alias);
    await server.hub.streams.ticker.emit({ symbol: 'ACME' }, 'quote', { price: 2 });
    await stream.until(4);
    await server.hub.streams.ticker.emit({ symbol: 'ACME' }, 'quote', { price: 3 });
    await stream.until(5);
    expect(frames(stream).filter((frame) => frame.kind === 'event')).toHaveLength(2);
    expect(server.hub.stats()).toMatchObject({ connections: 1, subscriptions: 1 });
  });

  it('applies maxBufferedBytes, heartbeats and the drain to the connection as a whole', async () => {
    await using server = await served({ heartbeatMs: 20, retryMs: 100, drainWindowMs: 0 });
    await using stream = await openSse(
      server.mux([
        { k: 'a', s: 'room', p: { room: 'a' } },
        { k: 'b', s: 'room', p: { room: 'b' } },
      ]),
    );
    expect(stream.headers['x-tidings-heartbeat']).toBe('20');
    await stream.when(() => stream.comments.length >= 2, 'two heartbeats');
    await server.hub.drain();
    await stream.ended;
    expect(stream.retries.at(-1)).toBe(100);
    expect(server.hub.stats()).toMatchObject({ connections: 0, subscriptions: 0 });
  });
});

describe('bad subscription lists', () => {
  const cases: [string, string, number, RegExp][] = [
    ['no list', '', 400, /send the subscriptions as one JSON list/],
    ['not JSON', 's=%7Bnope', 400, /is not JSON/],
    ['not a list', list({ k: '1', s: 'ticker' } as unknown as MultiplexEntry[]), 400, /not a JSON list/],
    ['an empty list', list([]), 400, /empty/],
    [
      'an entry that is not an object',
      `s=${encodeURIComponent('[1]')}`,
      400,
      /subscription 0 is not an object/,
    ],
    ['a bad key', list([{ k: 'a b', s: 'ticker' }]), 400, /has key "a b"/],
    [
      'an unknown stream',
      list([{ k: '1', s: 'nope' }]),
      400,
      /stream "nope", which the contract does not declare/,
    ],
    [
      'params that are not an object',
      list([{ k: '1', s: 'ticker', p: 'ACME' } as unknown as MultiplexEntry]),
      400,
      /"p"/,
    ],
    [
      'a duplicate key',
      list([
        { k: '1', s: 'announcements' },
        { k: '1', s: 'announcements' },
      ]),
      400,
      /used twice/,
    ],
    ['two lists', 's=%5B%5D&s=%5B%5D', 400, /one JSON list/],
    [
      '10,000 entries',
      list(Array.from({ length: 10_000 }, (_, i) => ({ k: `${i}`, s: 'announcements' }))),
      431,
      /.*/,
    ],
    ['1 MB of query', `s=${'x'.repeat(1 << 20)}`, 431, /.*/],
  ];

  it.each(cases)(
    '%s: %i with a JSON error that says what is wrong, never a 500',
    async (_name, query, status, message) => {
      await using server = await served();
      const response = await fetch(`${server.url}/@tidings?${query}`);
      expect(response.status).toBe(status);
      if (status === 400) expect((await response.json()).message).toMatch(message);
      else await response.body?.cancel();
      expect(server.hub.stats().connections).toBe(0);
    },
  );

  it('past maxSubscriptionsPerConnection: 400, and the message names the cap', async () => {
    await using server = await served({ maxSubscriptionsPerConnection: 2 });
    const entries = ['A', 'B', 'C'].map((symbol) => ({ k: symbol, s: 'ticker', p: { symbol } }));
    const response = await server.app.inject({ method: 'GET', url: `/streams/@tidings?${list(entries)}` });
    expect(response.statusCode).toBe(400);
    expect(response.json()).toEqual({
      error: 'too_many_subscriptions',
      message: expect.stringMatching(
        /3 subscriptions in one connection; this server takes at most 2 \(maxSubscriptionsPerConnection\)/,
      ),
    });
  });

  it('checks the contract fingerprint once for the connection', async () => {
    await using server = await served({ onContractMismatch: 'reject' });
    const entries = [{ k: '1', s: 'announcements' }];
    const wrong = await server.app.inject({
      method: 'GET',
      url: `/streams/@tidings?${list(entries)}&contract=other`,
    });
    expect(wrong.statusCode).toBe(409);
    await using right = await openSse(
      `${server.url}/@tidings?${list(entries)}&contract=${fingerprint(market)}`,
    );
    expect(right.status).toBe(200);
  });
});
