import type { AddressInfo } from 'node:net';
import { defineContract, defineStream } from '@tidings/contract';
import { redisBroker } from '@tidings/redis';
import { createHub } from '@tidings/server';
import Fastify from 'fastify';
import { AUTH_TOKEN, EVENT_NAME, quoteSchema, SYMBOL, tickerParamsSchema } from '../shared/payload.ts';
import type { BenchTarget, TargetOptions } from './target.ts';

/** The bench's contract: one stream, params validated, one event. */
export const benchContract = defineContract({
  ticker: defineStream({
    path: '/ticker/:symbol',
    params: tickerParamsSchema,
    events: { [EVENT_NAME]: quoteSchema },
  }),
});

/**
 * Tidings as a user would run it: `createHub` with `authorize`, the Fastify plugin, `emit`
 * per event (validated once, serialized once). With `redisUrl`, each instance uses
 * `redisBroker` on the same Redis and key prefix; otherwise the default memory broker.
 */
export async function createTidingsTarget(options: TargetOptions): Promise<BenchTarget> {
  const broker = options.redisUrl
    ? redisBroker({ url: options.redisUrl, keyPrefix: options.keyPrefix ?? 'bench:' })
    : undefined;
  const hub = createHub(benchContract, {
    ...(broker ? { broker } : {}),
    authorize: ({ request }) => request.headers.authorization === `Bearer ${AUTH_TOKEN}`,
    maxConnections: 50_000,
  });
  const app = Fastify({ logger: false });
  await app.register(hub.plugin, { prefix: '/streams' });
  await app.listen({ port: 0, host: '127.0.0.1', backlog: options.backlog });
  const { port } = app.server.address() as AddressInfo;
  const stream = hub.streams.ticker;
  const params = { symbol: SYMBOL };

  return {
    endpoint: { port, path: `/streams/ticker/${SYMBOL}` },
    subscribers: () => stream.subscriberCount(params),
    publish(events) {
      for (const quote of events) stream.emit(params, EVENT_NAME, quote).catch(options.onError);
    },
    async emitAndWait(events) {
      await Promise.all(events.map((quote) => stream.emit(params, EVENT_NAME, quote)));
    },
    async close() {
      await app.close();
      await broker?.close();
    },
  };
}
