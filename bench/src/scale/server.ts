import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { redisBroker } from '@tidings/redis';
import { createHub } from '@tidings/server';
import Fastify from 'fastify';
import { sendEvent, serveIpc } from '../shared/ipc-child.ts';
import { AUTH_TOKEN, EVENT_NAME, makeQuote } from '../shared/payload.ts';
import { processStats } from '../shared/process-stats.ts';
import { SSE_HEADERS } from '../targets/target.ts';
import { benchContract } from '../targets/tidings.ts';
import { SCALE_PREFIX, topicSymbols } from './plan.ts';
import { ownPss } from './proc-memory.ts';
import type { ScaleReady, ScaleServerCommands, ScaleServerOptions, ScaleStats } from './protocol.ts';
import { TickStats, timeIntervals } from './tick-stats.ts';

// A scale server process (see `ScaleServerKind`), driven by src/scale/main.ts.

const options = JSON.parse(process.argv[2] ?? '{}') as ScaleServerOptions;
const symbols = topicSymbols(options.topics);
const ticks = new TickStats();
timeIntervals(options.heartbeatMs, ticks);
const LOOP_RESOLUTION_MS = 10;
const loop = monitorEventLoopDelay({ resolution: LOOP_RESOLUTION_MS });
loop.enable();

interface Served {
  endpoint: ScaleReady['endpoint'];
  subscribers(): number;
  emit?(seq: number, symbol: string): Promise<unknown>;
}

/** `node:http`: one set of responses per topic and one heartbeat timer writing a comment to each. */
async function startRaw(): Promise<Served> {
  const all = new Set<http.ServerResponse>();
  const pathPrefix = `${SCALE_PREFIX}/ticker/`;
  const server = http.createServer((req, res) => {
    const symbol = req.url?.startsWith(pathPrefix) ? req.url.slice(pathPrefix.length) : '';
    if (req.method !== 'GET' || !/^[A-Z]{1,5}$/.test(symbol)) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { ...SSE_HEADERS, 'x-tidings-heartbeat': String(options.heartbeatMs) });
    res.write('retry: 1000\n\n');
    all.add(res);
    res.on('close', () => all.delete(res));
  });
  setInterval(() => {
    for (const res of all) res.write(':\n\n');
  }, options.heartbeatMs).unref();
  await new Promise<void>((resolve) =>
    server.listen({ port: 0, host: '127.0.0.1', backlog: options.backlog }, resolve),
  );
  const { port } = server.address() as AddressInfo;
  return { endpoint: { port, path: `${pathPrefix}${symbols[0]}` }, subscribers: () => all.size };
}

/** A hub with `authorize` (as the `tidings` bench target), served by Fastify unless it only emits. */
async function startTidings(listen: boolean): Promise<Served> {
  const broker = options.redisUrl
    ? redisBroker({ url: options.redisUrl, keyPrefix: options.keyPrefix ?? 'bench-scale:' })
    : undefined;
  const hub = createHub(benchContract, {
    ...(broker ? { broker } : {}),
    authorize: ({ request }) => request.headers.authorization === `Bearer ${AUTH_TOKEN}`,
    heartbeatMs: options.heartbeatMs,
    maxConnections: 50_000,
  });
  const stream = hub.streams.ticker;
  const params = new Map(symbols.map((symbol) => [symbol, { symbol }]));
  const served: Served = {
    endpoint: null,
    subscribers: () => {
      let total = 0;
      for (const p of params.values()) total += stream.subscriberCount(p);
      return total;
    },
    emit: (seq, symbol) => stream.emit(params.get(symbol)!, EVENT_NAME, makeQuote(seq, symbol)),
  };
  if (!listen) return served;
  const app = Fastify({ logger: false });
  await app.register(hub.plugin, { prefix: SCALE_PREFIX });
  await app.listen({ port: 0, host: '127.0.0.1', backlog: options.backlog });
  const { port } = app.server.address() as AddressInfo;
  served.endpoint = { port, path: `${SCALE_PREFIX}/ticker/${symbols[0]}` };
  return served;
}

const served = options.kind === 'raw' ? await startRaw() : await startTidings(options.kind === 'tidings');

let emitted = 0;
let pending = 0;
let total = 0;
let errors = 0;
let firstError: string | null = null;

/** Emits `rounds` rounds over the topics, each round's events spread evenly over `roundMs`. */
function emitRounds(rounds: number, roundMs: number): void {
  const emit = served.emit;
  if (!emit) throw new Error(`@tidings/bench: a ${options.kind} scale server does not emit`);
  total = emitted + rounds * symbols.length;
  const base = emitted;
  const start = performance.now();
  const perMs = symbols.length / roundMs;
  const timer = setInterval(() => {
    const due = Math.min(total, base + Math.floor((performance.now() - start) * perMs));
    while (emitted < due) {
      const seq = emitted++;
      pending++;
      emit(seq, symbols[seq % symbols.length]!)
        .catch((error: unknown) => {
          errors++;
          firstError ??= error instanceof Error ? (error.stack ?? error.message) : String(error);
        })
        .finally(() => {
          pending--;
        });
    }
    if (emitted >= total) clearInterval(timer);
  }, 5);
}

// The histogram holds the time between the sampling timer's runs: its delay is what exceeds the resolution.
const delayMs = (ns: number): number => Math.max(0, ns / 1e6 - LOOP_RESOLUTION_MS);

serveIpc<ScaleServerCommands>({
  stats: ({ gc }): ScaleStats => {
    return {
      subscribers: served.subscribers(),
      ...processStats(gc),
      pssBytes: ownPss(),
      ticks: ticks.summary(),
      loop: {
        p50: delayMs(loop.percentile(50)),
        p99: delayMs(loop.percentile(99)),
        max: delayMs(loop.max),
      },
      emitted,
      errors,
      firstError,
      done: emitted >= total && pending === 0,
    };
  },
  resetWindow: () => {
    ticks.reset();
    loop.reset();
    return null;
  },
  emit: ({ rounds, roundMs }) => {
    emitRounds(rounds, roundMs);
    return null;
  },
});

const ready: ScaleReady = { endpoint: served.endpoint, pid: process.pid };
sendEvent('ready', ready);
