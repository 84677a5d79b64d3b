import type { AddressInfo } from 'node:net';
import type { MeterProvider } from '@opentelemetry/api';
import { defineContract, defineStream } from '@tidings/contract';
import { redisBroker } from '@tidings/redis';
import { createHub } from '@tidings/server';
import Fastify from 'fastify';
import { AUTH_TOKEN, EVENT_NAME, quoteSchema, SYMBOL, tickerParamsSchema } from '../shared/payload.ts';
import { multiplexPath, TOPIC_SYMBOLS, tickerPath } from '../shared/topics.ts';
import type { BenchTarget, TargetOptions } from './target.ts';

/** The bench's contract: one stream, params validated, one event. */
export const benchContract = defineContract({
  ticker: defineStream({
    path: '/ticker/:symbol',
    params: tickerParamsSchema,
    events: { [EVENT_NAME]: quoteSchema },
  }),
});

/** Where the plugin is registered. */
const PREFIX = '/streams';

/** What a variant of the `tidings` target changes in its hub. */
export interface TidingsVariant {
  /** Where the hub's OpenTelemetry instruments go. @default the global provider (no SDK: a no-op) */
  meterProvider?: MeterProvider | undefined;
}

/** A hub with `authorize`, served by Fastify on a free port. */
async function startTidings(options: TargetOptions, variant: TidingsVariant = {}) {
  const broker = options.redisUrl
    ? redisBroker({ url: options.redisUrl, keyPrefix: options.keyPrefix ?? 'bench:' })
    : undefined;
  const hub = createHub(benchContract, {
    ...(broker ? { broker } : {}),
    authorize: ({ request }) => request.headers.authorization === `Bearer ${AUTH_TOKEN}`,
    maxConnections: 50_000,
    ...(variant.meterProvider ? { meterProvider: variant.meterProvider } : {}),
  });
  const app = Fastify({ logger: false });
  await app.register(hub.plugin, { prefix: PREFIX });
  await app.listen({ port: 0, host: '127.0.0.1', backlog: options.backlog });
  const { port } = app.server.address() as AddressInfo;
  return {
    hub,
    port,
    async close() {
      await app.close();
      await broker?.close();
    },
  };
}

/**
 * Tidings as a user would run it: `createHub` with `authorize`, the Fastify plugin, `emit`
 * per event (validated once, serialized once). With `redisUrl`, each instance uses
 * `redisBroker` on the same Redis and key prefix; otherwise the default memory broker. With a
 * `meterProvider` (the `tidings-metrics` target), the hub reports to it.
 */
export async function createTidingsTarget(
  options: TargetOptions,
  variant: TidingsVariant = {},
): Promise<BenchTarget> {
  const { hub, port, close } = await startTidings(options, variant);
  const stream = hub.streams.ticker;
  const params = { symbol: SYMBOL };

  return {
    endpoint: { port, path: tickerPath(PREFIX, SYMBOL) },
    subscribers: () => stream.subscriberCount(params),
    publish(events) {
      for (const quote of events) stream.emit(params, EVENT_NAME, quote).catch(options.onError);
    },
    async emitAndWait(events) {
      await Promise.all(events.map((quote) => stream.emit(params, EVENT_NAME, quote)));
    },
    close,
  };
}

/**
 * Scenario G: the same hub (memory broker) with events on ten ticker topics. Each client holds
 * all ten, over one multiplexed connection (`mux`: `/streams/@tidings?s=[…]`) or over one plain
 * connection per topic (`separate`: `/streams/ticker/<symbol>` ten times).
 */
export async function createTidingsTopicsTarget(
  options: TargetOptions,
  mode: 'mux' | 'separate',
): Promise<BenchTarget> {
  const { hub, port, close } = await startTidings(options);
  const stream = hub.streams.ticker;
  const params = TOPIC_SYMBOLS.map((symbol) => ({ symbol }));
  const paramsOf = new Map(params.map((p) => [p.symbol, p]));
  const paths =
    mode === 'mux'
      ? [multiplexPath(PREFIX, TOPIC_SYMBOLS)]
      : TOPIC_SYMBOLS.map((symbol) => tickerPath(PREFIX, symbol));

  return {
    endpoint: { port, path: paths[0]! },
    client: { paths, subscriptions: TOPIC_SYMBOLS.length },
    topics: TOPIC_SYMBOLS,
    subscribers: () => {
      let total = 0;
      for (const p of params) total += stream.subscriberCount(p);
      return total;
    },
    publish(events) {
      for (const quote of events) {
        stream.emit(paramsOf.get(quote.symbol)!, EVENT_NAME, quote).catch(options.onError);
      }
    },
    close,
  };
}
