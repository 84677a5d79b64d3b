import { EventEmitter } from 'node:events';
import { Writable } from 'node:stream';
import { defineContract, defineStream } from '@tidings/contract';
import { getRequest, rawSocket } from '@tidings/test-kit/raw-socket';
import { serverResource } from '@tidings/test-kit/server';
import { openSse } from '@tidings/test-kit/sse';
import { absenceWindow } from '@tidings/test-kit/wait';
import { describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { createHub } from './create-hub.ts';
import { settledHeap } from './test-support/gc.ts';

const chat = defineContract({
  answer: defineStream({
    path: '/answers/:id',
    params: z.object({ id: z.string().regex(/^[a-z0-9]+$/) }),
    query: z.object({ words: z.coerce.number().int().min(0).max(100_000).default(3) }),
    events: {
      token: z.object({ text: z.string() }),
      done: z.object({ tokens: z.number().int() }),
    },
  }),
  news: defineStream({ path: '/news', events: { item: z.object({ title: z.string() }) } }),
});

/** What the handlers of a test did, for the test to check. */
function probe() {
  return {
    started: 0,
    finished: 0,
    timers: 0,
    listeners: 0,
    upstream: 0,
    produced: 0,
    lastEventIds: [] as unknown[],
  };
}

describe('streams served per connection by a handler', () => {
  it('yields typed events with ids, then ends the stream for good with a final control frame', async () => {
    const seen = probe();
    const hub = createHub(chat, {
      handlers: {
        answer: async function* ({ params, query, lastEventId }) {
          seen.started++;
          seen.lastEventIds.push(lastEventId);
          try {
            for (let i = 0; i < query.words; i++)
              yield { event: 'token', data: { text: `${params.id}-${i}` } };
            yield { event: 'done', data: { tokens: query.words } };
          } finally {
            seen.finished++;
          }
        },
      },
    });
    await using server = await serverResource(hub);
    await using stream = await openSse(`${server.url}/answers/q1?words=2`);
    await stream.ended;
    expect(stream.events.map((e) => [e.event, e.data])).toEqual([
      ['token', '{"text":"q1-0"}'],
      ['token', '{"text":"q1-1"}'],
      ['done', '{"tokens":2}'],
      ['close', '{}'],
    ]);
    const ids = stream.events.slice(0, 3).map((e) => e.id!);
    expect(ids.every((id) => /^\d+-\d+$/.test(id))).toBe(true);
    expect(new Set(ids).size).toBe(3);
    expect(stream.events[3]!.id).toBeUndefined();
    expect(stream.retries).toEqual([2000]); // no retry: at the end, the stream is over
    expect(seen).toMatchObject({ started: 1, finished: 1, lastEventIds: [undefined] });
    expect(hub.stats()).toMatchObject({ connections: 0, subscribers: { answer: 0 } });
  });

  it('passes the validated params and query, and Last-Event-ID; authorize runs before the handler', async () => {
    const seen = probe();
    const hub = createHub(chat, {
      authorize: ({ stream, params }) => stream !== 'answer' || (params as { id: string }).id !== 'secret',
      handlers: {
        answer: async function* ({ lastEventId, request }) {
          seen.started++;
          seen.lastEventIds.push(lastEventId, typeof request.headers);
          yield { event: 'done', data: { tokens: 0 }, id: 'answer-7' };
        },
      },
    });
    await using server = await serverResource(hub);
    const refused = await server.app.inject({ method: 'GET', url: '/streams/answers/secret' });
    expect(refused.statusCode).toBe(403);
    const invalid = await server.app.inject({ method: 'GET', url: '/streams/answers/q1?words=-1' });
    expect(invalid.statusCode).toBe(400);
    expect(seen.started).toBe(0);
    await using stream = await openSse(`${server.url}/answers/q1`, { 'last-event-id': 'answer-6' });
    await stream.ended;
    expect(stream.events[0]).toEqual({ id: 'answer-7', event: 'done', data: '{"tokens":0}' });
    expect(seen.lastEventIds).toEqual(['answer-6', 'object']);
  });

  it('ends the stream with a typed error when a payload does not match its schema, and runs the finally block', async () => {
    const seen = probe();
    const logs: string[] = [];
    const hub = createHub(chat, {
      handlers: {
        answer: async function* () {
          try {
            yield { event: 'token', data: { text: 'fine' } };
            yield { event: 'token', data: { text: 42 as unknown as string } };
            yield { event: 'token', data: { text: 'never sent' } };
          } finally {
            seen.finished++;
          }
        },
      },
    });
    await using server = await serverResource(hub, {
      fastify: { logger: { level: 'error', stream: sink(logs) } },
    });
    await using stream = await openSse(`${server.url}/answers/q1`);
    await stream.ended;
    expect(stream.events.map((e) => e.event)).toEqual(['token', 'close']);
    expect(JSON.parse(stream.events[1]!.data)).toEqual({
      error: {
        code: 'VALIDATION_FAILED',
        message: expect.stringMatching(
          /^@tidings\/server: stream "answer", event "token": the handler yielded an invalid payload — text: /,
        ),
      },
    });
    expect(seen.finished).toBe(1);
    expect(logs.join('\n')).toMatch(/invalid payload/);
  });

  it('ends with a safe message when the handler throws; the server logs the real error', async () => {
    const logs: string[] = [];
    const hub = createHub(chat, {
      handlers: {
        answer: async function* () {
          yield { event: 'token', data: { text: 'partial' } };
          throw new Error('database password is hunter2');
        },
      },
    });
    await using server = await serverResource(hub, {
      fastify: { logger: { level: 'error', stream: sink(logs) } },
    });
    await using stream = await openSse(`${server.url}/answers/q1`);
    await stream.ended;
    const end = JSON.parse(stream.events.at(-1)!.data);
    expect(end).toEqual({
      error: {
        code: 'HANDLER_FAILED',
        message: '@tidings/server: stream "answer": the handler failed; the server logged why.',
      },
    });
    expect(stream.body()).not.toContain('hunter2');
    expect(logs.join('\n')).toContain('hunter2');
  });

  it('does not pull the handler while the client does not read: it pauses, and memory stays bounded', async () => {
    const seen = probe();
    const text = 'x'.repeat(10_000);
    const hub = createHub(chat, {
      handlers: {
        answer: async function* ({ query }) {
          try {
            // Up to 100 MB if nothing held it back.
            for (let i = 0; i < query.words; i++) {
              seen.produced++;
              yield { event: 'token', data: { text } };
            }
          } finally {
            seen.finished++;
          }
        },
      },
    });
    await using server = await serverResource(hub);
    const baseline = settledHeap();
    const stuck = await rawSocket(server.port, getRequest('/streams/answers/big?words=10000'), {
      read: false,
    });
    await vi.waitFor(() => expect(seen.produced).toBeGreaterThan(10), { timeout: 10_000, interval: 10 });
    // The handler waits for the client: its count stops growing. Only a span of time can show that.
    let before = -1;
    for (let round = 0; round < 50 && before !== seen.produced; round++) {
      before = seen.produced;
      await absenceWindow(100);
    }
    expect(seen.produced).toBe(before);
    expect(seen.produced * text.length).toBeLessThan(16 * 1024 * 1024); // kernel buffers and the watermark, not 100 MB
    expect(settledHeap() - baseline).toBeLessThan(8 * 1024 * 1024);
    // The client leaves: the handler's finally runs.
    await stuck[Symbol.asyncDispose]();
    await vi.waitFor(() => expect(seen.finished).toBe(1), { timeout: 10_000, interval: 10 });
  }, 60_000);

  it('a fast producer and a slow reader: nothing is dropped, in order', async () => {
    const hub = createHub(chat, {
      handlers: {
        answer: async function* ({ query }) {
          for (let i = 0; i < query.words; i++)
            yield { event: 'token', data: { text: `${i}:${'y'.repeat(2_000)}` } };
          yield { event: 'done', data: { tokens: query.words } };
        },
      },
    });
    await using server = await serverResource(hub);
    await using slow = await rawSocket(server.port, getRequest('/streams/answers/slow?words=3000'));
    slow.socket.pause();
    // Read in small sips, pausing between them, until the end.
    for (let sip = 0; sip < 100_000 && !slow.received().includes('event: close'); sip++) {
      slow.socket.resume();
      await new Promise((resolve) => setImmediate(resolve));
      slow.socket.pause();
    }
    slow.socket.resume();
    await slow.when((got) => got.includes('event: close'), 'the end of the stream', 30_000);
    const tokens = [...slow.received().matchAll(/"text":"(\d+):/g)].map((match) => Number(match[1]));
    expect(tokens).toEqual(Array.from({ length: 3000 }, (_, i) => i));
  }, 60_000);

  it('leaves nothing behind after 1,000 connect/abort cycles: timers, listeners and upstream requests', async () => {
    const seen = probe();
    const upstream = new EventEmitter();
    const hub = createHub(chat, {
      handlers: {
        answer: async function* ({ signal }) {
          seen.started++;
          const timer = setInterval(() => {}, 1_000);
          seen.timers++;
          const onData = () => {};
          upstream.on('data', onData);
          seen.listeners++;
          seen.upstream++;
          try {
            yield { event: 'token', data: { text: 'first' } };
            // Waits on an "upstream" that never answers, until the client leaves.
            await new Promise<void>((resolve) =>
              signal.addEventListener('abort', () => resolve(), { once: true }),
            );
          } finally {
            clearInterval(timer);
            seen.timers--;
            upstream.off('data', onData);
            seen.listeners--;
            seen.upstream--;
            seen.finished++;
          }
        },
      },
    });
    await using server = await serverResource(hub);
    for (let cycle = 0; cycle < 1_000; cycle++) {
      const stream = await openSse(`${server.url}/answers/c${cycle % 10}`);
      await stream.until(1);
      stream.close();
    }
    await vi.waitFor(() => expect(seen.finished).toBe(1_000), { timeout: 20_000, interval: 20 });
    expect(seen).toMatchObject({ started: 1_000, timers: 0, listeners: 0, upstream: 0 });
    expect(upstream.listenerCount('data')).toBe(0);
    await vi.waitFor(
      () => expect(hub.stats()).toMatchObject({ connections: 0, subscribers: { answer: 0 } }),
      {
        timeout: 10_000,
        interval: 10,
      },
    );
  }, 120_000);

  it('counts running handlers per stream and per params', async () => {
    const hub = createHub(chat, {
      handlers: {
        answer: async function* ({ signal }) {
          yield { event: 'token', data: { text: 'hold' } };
          await new Promise<void>((resolve) =>
            signal.addEventListener('abort', () => resolve(), { once: true }),
          );
        },
      },
    });
    await using server = await serverResource(hub);
    await using a = await openSse(`${server.url}/answers/one`);
    await using b = await openSse(`${server.url}/answers/one`);
    await Promise.all([a.until(1), b.until(1)]);
    expect(hub.streams.answer.subscriberCount({ id: 'one' })).toBe(2);
    expect(hub.stats()).toMatchObject({ connections: 2, subscribers: { answer: 2 } });
  });

  it('refuses handlers for streams the contract does not declare, or that are not functions', () => {
    expect(() => createHub(chat, { handlers: { nope: async function* () {} } as never })).toThrow(
      /option "handlers" has "nope", which the contract does not declare/,
    );
    expect(() => createHub(chat, { handlers: { answer: 'x' } as never })).toThrow(
      /option "handlers.answer" is string; expected an async generator function/,
    );
  });
});

/** A Writable that collects pino's log lines. */
function sink(lines: string[]) {
  return new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(chunk.toString());
      done();
    },
  });
}
