import { defineContract, defineStream } from '@tidings/contract';
import { createHub } from '@tidings/server';
import { serverResource } from '@tidings/test-kit/server';
import { absenceWindow } from '@tidings/test-kit/wait';
import { EventSource } from 'eventsource';
import { describe, expect, test, vi } from 'vitest';
import { z } from 'zod';
import { type ClientOptions, createClient, TidingsError } from '../src/index.ts';
import { collect, nextEvent } from './helpers/subscription-events.ts';

const chat = defineContract({
  answer: defineStream({
    path: '/answers/:id',
    params: z.object({ id: z.string() }),
    query: z.object({ words: z.coerce.number().int().default(3), fail: z.coerce.boolean().default(false) }),
    events: {
      token: z.object({ i: z.number().int(), text: z.string() }),
      done: z.object({ tokens: z.number() }),
    },
  }),
  news: defineStream({ path: '/news', events: { item: z.object({ title: z.string() }) } }),
});

/** Answers with `words` tokens (ids are their index, so a resumed run skips what the client has), then `done`. */
function chatHub(options: { hold?: Promise<void>; runs?: { lastEventId: string | undefined }[] } = {}) {
  return createHub(chat, {
    retryMs: 50,
    handlers: {
      answer: async function* ({ params, query, lastEventId }) {
        options.runs?.push({ lastEventId });
        const from = lastEventId === undefined ? 0 : Number(lastEventId) + 1;
        for (let i = from; i < query.words; i++) {
          if (i === 2 && options.hold) await options.hold;
          yield { event: 'token', data: { i, text: `${params.id}:${i}` }, id: String(i) };
        }
        if (query.fail) throw new Error('the model went away');
        yield { event: 'done', data: { tokens: query.words }, id: 'done' };
      },
    },
  });
}

const fast = { initialDelayMs: 20, maxDelayMs: 200 };
const modes: [string, Partial<ClientOptions>][] = [
  ['fetch', {}],
  ['eventsource', { transport: 'eventsource', EventSource }],
  ['fetch, one connection each', { multiplex: false }],
  ['eventsource, one connection each', { multiplex: false, transport: 'eventsource', EventSource }],
];

describe.each(modes)('a stream served by a handler (%s)', (_name, mode) => {
  test('delivers the answer, then closes for good: for await ends, status closed, no reconnect', async () => {
    const hub = chatHub();
    await using server = await serverResource(hub);
    using client = createClient(chat, { ...mode, baseUrl: server.url, reconnect: fast });
    const sub = client.answer.subscribe({ id: 'q1' }, { query: { words: 3 } });
    const seen: string[] = [];
    for await (const event of sub)
      seen.push(event.type === 'token' ? event.data.text : `done:${event.data.tokens}`);
    expect(seen).toEqual(['q1:0', 'q1:1', 'q1:2', 'done:3']);
    expect(sub.status).toBe('closed');
    const requests = server.requests();
    // Absence: a reconnect would come within maxDelayMs (200 ms).
    await absenceWindow(400);
    expect(server.requests()).toBe(requests);
  });

  test('a handler that throws ends the subscription with a typed error and a safe message', async () => {
    await using server = await serverResource(chatHub());
    using client = createClient(chat, { ...mode, baseUrl: server.url, reconnect: fast });
    const sub = client.answer.subscribe({ id: 'q2' }, { query: { words: 1, fail: true } });
    const closed = await nextEvent(sub, 'close');
    expect(closed.error).toBeInstanceOf(TidingsError);
    expect(closed.error).toMatchObject({
      code: 'HANDLER_FAILED',
      message: '@tidings/server: stream "answer": the handler failed; the server logged why.',
    });
    expect(sub.status).toBe('closed');
  });

  test('subscribe({ lastEventId }) hands the handler its own id kind: it resumes after it', async () => {
    const runs: { lastEventId: string | undefined }[] = [];
    await using server = await serverResource(chatHub({ runs }));
    using client = createClient(chat, { ...mode, baseUrl: server.url, reconnect: fast });
    const sub = client.answer.subscribe({ id: 'q5' }, { query: { words: 4 }, lastEventId: '1' });
    const seen: number[] = [];
    for await (const event of sub) if (event.type === 'token') seen.push(event.data.i);
    expect([seen, runs]).toEqual([[2, 3], [{ lastEventId: '1' }]]);
  });

  test('a dropped connection resumes the answer from Last-Event-ID: every token once', async () => {
    let release!: () => void;
    const hold = new Promise<void>((resolve) => {
      release = resolve;
    });
    const runs: { lastEventId: string | undefined }[] = [];
    await using server = await serverResource(chatHub({ hold, runs }));
    using client = createClient(chat, { ...mode, baseUrl: server.url, reconnect: fast });
    const sub = client.answer.subscribe({ id: 'q3' }, { query: { words: 5 } });
    const tokens = collect(sub, 'token', 5);
    const closed = nextEvent(sub, 'close');
    await vi.waitFor(() => expect(sub.lastEventId).toBe('1'), { timeout: 10_000, interval: 10 });
    server.destroySockets();
    release();
    expect((await tokens).map((e) => e.data.i)).toEqual([0, 1, 2, 3, 4]);
    expect((await closed).error).toBeUndefined();
    expect(runs.at(-1)?.lastEventId).toBe('1');
  });
});

test('multiplexed, a handler stream ends on its own while the others go on', async () => {
  const hub = chatHub();
  await using server = await serverResource(hub);
  using client = createClient(chat, { baseUrl: server.url, reconnect: fast });
  const news = client.news.subscribe();
  const answer = client.answer.subscribe({ id: 'q4' }, { query: { words: 2 } });
  const opened = nextEvent(news, 'open');
  const closed = nextEvent(answer, 'close');
  await opened;
  expect((await closed).error).toBeUndefined();
  expect([answer.status, news.status]).toEqual(['closed', 'open']);
  const item = nextEvent(news, 'item');
  await hub.streams.news.emit('item', { title: 'still here' });
  expect((await item).data.title).toBe('still here');
});
