import { EventEmitter, on } from 'node:events';
import type { AddressInfo } from 'node:net';
import { initTRPC, tracked } from '@trpc/server';
import { createHTTPServer } from '@trpc/server/adapters/standalone';
import { z } from 'zod';
import { EVENT_NAME, type Quote, quoteSchema, SYMBOL, tickerParamsSchema } from '../shared/payload.ts';
import type { BenchTarget, TargetOptions } from './target.ts';
import { zAsyncIterable } from './z-async-iterable.ts';

/**
 * tRPC v11 SSE subscriptions the way its docs show them: an `EventEmitter`, `on()` in an async
 * generator per subscriber, `tracked()` ids, output validated by the guide's `zAsyncIterable`
 * helper, served by the standalone (node:http) adapter.
 */
export async function createTrpcTarget(options: TargetOptions): Promise<BenchTarget> {
  const ee = new EventEmitter();
  ee.setMaxListeners(0);
  const t = initTRPC.create();
  const router = t.router({
    ticker: t.procedure
      .input(tickerParamsSchema.extend({ lastEventId: z.string().nullish() }))
      .output(zAsyncIterable({ yield: quoteSchema }))
      .subscription(async function* (opts) {
        for await (const [quote, id] of on(ee, EVENT_NAME, { signal: opts.signal })) {
          yield tracked(id as string, quote as Quote);
        }
      }),
  });
  const server = createHTTPServer({ router, createContext: () => ({}) });
  await new Promise<void>((resolve) =>
    server.listen({ port: 0, host: '127.0.0.1', backlog: options.backlog }, resolve),
  );
  const { port } = server.address() as AddressInfo;

  return {
    endpoint: { port, path: `/ticker?input=${encodeURIComponent(JSON.stringify({ symbol: SYMBOL }))}` },
    subscribers: () => ee.listenerCount(EVENT_NAME),
    publish(events) {
      const ms = Date.now();
      for (const quote of events) ee.emit(EVENT_NAME, quote, `${ms}-${quote.seq}`);
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
