import cors from '@fastify/cors';
import { fingerprint } from '@tidings/contract';
import { market } from '@tidings/test-kit/contract';
import { serverResource } from '@tidings/test-kit/server';
import { openSse } from '@tidings/test-kit/sse';
import { within } from '@tidings/test-kit/wait';
import Fastify from 'fastify';
import { describe, expect, it, vi } from 'vitest';
import type { Broker } from './broker.ts';
import { createHub } from './create-hub.ts';
import { memoryBroker } from './memory-broker.ts';

async function injectApp(options: Parameters<typeof createHub<typeof market>>[1] = {}) {
  const hub = createHub(market, options);
  const app = Fastify();
  await app.register(hub.plugin, { prefix: '/streams' });
  return { hub, app, [Symbol.asyncDispose]: () => app.close() };
}

describe('hub.plugin: finite answers', () => {
  it('answers 403 when authorize returns false, with the validated params and query', async () => {
    const seen: unknown[] = [];
    await using ctx = await injectApp({
      authorize: ({ stream, params, query }) => {
        seen.push({ stream, params, query });
        return false;
      },
    });
    const res = await ctx.app.inject('/streams/ticker/ACME?depth=7');
    expect(res.statusCode).toBe(403);
    expect(res.json()).toEqual({ error: 'forbidden', stream: 'ticker' });
    expect(seen).toEqual([{ stream: 'ticker', params: { symbol: 'ACME' }, query: { depth: 7 } }]);
  });

  it('answers with the statusCode of an error authorize throws', async () => {
    await using ctx = await injectApp({
      authorize: async ({ request }) => {
        if (request.headers.authorization === undefined) {
          throw Object.assign(new Error('missing token'), { statusCode: 401 });
        }
        return false;
      },
    });
    const res = await ctx.app.inject('/streams/announcements');
    expect(res.statusCode).toBe(401);
    expect(res.json()).toMatchObject({ message: 'missing token' });
  });

  it('answers 409 to a different fingerprint in reject mode, from the header or the query', async () => {
    await using ctx = await injectApp({ onContractMismatch: 'reject' });
    const byHeader = await ctx.app.inject({
      url: '/streams/announcements',
      headers: { 'x-tidings-contract': 'ffffffffffffffff' },
    });
    expect(byHeader.statusCode).toBe(409);
    expect(byHeader.json()).toEqual({
      error: 'contract_mismatch',
      expected: fingerprint(market),
      stream: 'announcements',
    });
    const byQuery = await ctx.app.inject('/streams/ticker/ACME?contract=0000000000000000');
    expect(byQuery.statusCode).toBe(409);
    expect(ctx.hub.stats().contractMismatches).toBe(2);
  });

  it('answers 503 with retry-after past maxConnections, and again once a slot is free', async () => {
    const hub = createHub(market, { maxConnections: 1, retryMs: 3_000 });
    await using server = await serverResource(hub);
    await using first = await openSse(`${server.url}/announcements`);
    expect(first.status).toBe(200);
    await using second = await openSse(`${server.url}/announcements`);
    expect(second.status).toBe(503);
    expect(second.headers['retry-after']).toBe('3');
    await within(second.ended, 10_000, 'the 503 response to end');
    expect(JSON.parse(second.body())).toMatchObject({ error: 'unavailable' });
    first.close();
    await vi.waitFor(() => expect(hub.stats().connections).toBe(0), { timeout: 10_000, interval: 5 });
    await using third = await openSse(`${server.url}/announcements`);
    expect(third.status).toBe(200);
  });

  it('answers 503 when the broker cannot subscribe, and serves again once it can', async () => {
    const inner = memoryBroker();
    await using _inner = { [Symbol.asyncDispose]: () => inner.close() };
    let failing = true;
    const broker: Broker = {
      publish: (topic, name, data) => inner.publish(topic, name, data),
      subscribe: (topic, onEvent) =>
        failing ? Promise.reject(new Error('connection refused')) : inner.subscribe(topic, onEvent),
      replay: (topic, afterId) => inner.replay(topic, afterId),
      close: () => inner.close(),
    };
    const hub = createHub(market, { broker });
    await using server = await serverResource(hub);
    await using refused = await openSse(`${server.url}/ticker/ACME`);
    expect(refused.status).toBe(503);
    await within(refused.ended, 10_000, 'the 503 response to end');
    expect(JSON.parse(refused.body())).toMatchObject({ code: 'BROKER_ERROR' });
    expect(hub.stats().connections).toBe(0);
    failing = false;
    await using served = await openSse(`${server.url}/ticker/ACME`);
    expect(served.status).toBe(200);
  });

  it('refuses bad options at createHub time, naming the option and the value', () => {
    expect(() => createHub(market, { heartbeatMs: 0 })).toThrow(
      /@tidings\/server: createHub option "heartbeatMs" is 0; expected a number from 1/,
    );
    expect(() => createHub(market, { maxBufferedBytes: -1 })).toThrow(/"maxBufferedBytes" is -1/);
    expect(() => createHub(market, { onContractMismatch: 'ignore' as 'warn' })).toThrow(
      /"onContractMismatch" is "ignore"; use 'warn' or 'reject'/,
    );
    expect(() => createHub({} as typeof market)).toThrow(/createHub expects a contract/);
  });
});

describe('hub.plugin: open streams', () => {
  it('sends the SSE headers, the heartbeat interval and a retry frame at connect', async () => {
    const hub = createHub(market, { heartbeatMs: 12_345, retryMs: 1_500 });
    await using server = await serverResource(hub);
    await using stream = await openSse(`${server.url}/ticker/ACME`);
    expect(stream.status).toBe(200);
    expect(stream.headers).toMatchObject({
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-transform',
      'x-accel-buffering': 'no',
      'x-tidings-heartbeat': '12345',
      connection: 'keep-alive',
    });
    await stream.when(() => stream.retries.length === 1, 'retry frame');
    expect(stream.retries).toEqual([1500]);
    expect(stream.body()).toBe('retry: 1500\n\n');
  });

  it('lets Fastify hooks and @fastify/cors set headers that reach the client', async () => {
    const hub = createHub(market);
    await using server = await serverResource(hub, {
      before: async (app) => {
        await app.register(cors, { origin: 'https://app.example', credentials: true });
        app.addHook('onRequest', async (_request, reply) => {
          reply.header('x-request-hook', 'ran');
        });
      },
    });
    await using stream = await openSse(`${server.url}/announcements`, { origin: 'https://app.example' });
    expect(stream.status).toBe(200);
    expect(stream.headers['access-control-allow-origin']).toBe('https://app.example');
    expect(stream.headers['access-control-allow-credentials']).toBe('true');
    expect(stream.headers['x-request-hook']).toBe('ran');
    expect(stream.headers['content-type']).toBe('text/event-stream; charset=utf-8');
  });

  it('counts and logs a fingerprint mismatch once per fingerprint in warn mode, and still serves', async () => {
    const logs: string[] = [];
    const hub = createHub(market);
    await using server = await serverResource(hub, {
      fastify: { logger: { level: 'warn', stream: { write: (line: string) => logs.push(line) } } },
    });
    const right = fingerprint(market);
    for (const value of ['aaaaaaaaaaaaaaaa', 'aaaaaaaaaaaaaaaa', 'bbbbbbbbbbbbbbbb', right]) {
      await using stream = await openSse(`${server.url}/announcements`, { 'x-tidings-contract': value });
      expect(stream.status).toBe(200);
    }
    await using plain = await openSse(`${server.url}/announcements`);
    expect(plain.status).toBe(200);
    expect(hub.stats().contractMismatches).toBe(3);
    const warnings = logs.filter((line) => line.includes('contract fingerprint'));
    expect(warnings).toHaveLength(2);
    expect(warnings[0]).toContain('aaaaaaaaaaaaaaaa');
    expect(warnings[0]).toContain(right);
  });

  it('accepts the fingerprint as a `contract` query param without it failing the query schema', async () => {
    const hub = createHub(market, { onContractMismatch: 'reject' });
    await using server = await serverResource(hub);
    await using stream = await openSse(`${server.url}/ticker/ACME?depth=3&contract=${fingerprint(market)}`);
    expect(stream.status).toBe(200);
  });

  it('does not serve HEAD on a stream route', async () => {
    await using ctx = await injectApp();
    expect((await ctx.app.inject({ method: 'HEAD', url: '/streams/announcements' })).statusCode).toBe(404);
  });
});
