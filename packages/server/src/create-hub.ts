import { type MeterProvider, metrics } from '@opentelemetry/api';
import {
  type AnyContract,
  fingerprint,
  isContract,
  type StreamNames,
  TidingsContractError,
  TidingsError,
} from '@tidings/contract';
import { Counters } from './counters.ts';
import { Fanout } from './fanout.ts';
import { HubMetrics, linkHubMetrics } from './hub-metrics.ts';
import type { DrainOptions, Hub, HubHandlerOptions, HubOptions, HubStats, HubStreams } from './hub-types.ts';
import { memoryBroker } from './memory-broker.ts';
import { createPlugin } from './plugin.ts';
import type { AnyHandler } from './procedure.ts';
import { createStreamEmitter, type RuntimeStreamHandle } from './stream-emitter.ts';
import { unknownStreamGuard } from './unknown-stream-guard.ts';

const DEFAULTS = {
  heartbeatMs: 15_000,
  maxConnections: 50_000,
  maxBufferedBytes: 1 << 20,
  retryMs: 2_000,
  drainWindowMs: 5_000,
  maxSubscriptionsPerConnection: 100,
} as const;
const MAX_TIMER_MS = 2 ** 31 - 1;

function checkNumber(name: string, value: number, min: number, max: number): number {
  if (typeof value !== 'number' || Number.isNaN(value) || value < min || value > max) {
    throw new TidingsError(
      'CONFIG_INVALID',
      `@tidings/server: createHub option "${name}" is ${String(value)}; expected a number from ${min} to ${max}.`,
    );
  }
  return value;
}

/** A frozen copy of `compatibleFingerprints`, or CONFIG_INVALID naming the value that is not a fingerprint. */
function checkFingerprints(value: unknown): readonly string[] {
  const fail = (what: string): never => {
    throw new TidingsError(
      'CONFIG_INVALID',
      `@tidings/server: createHub option "compatibleFingerprints" ${what}; expected an array of contract fingerprints (non-empty strings), as \`tidings diff --fingerprints\` prints them.`,
    );
  };
  const show = (entry: unknown) => JSON.stringify(entry) ?? String(entry);
  if (!Array.isArray(value)) return fail(`is ${show(value)}`);
  const index = value.findIndex((entry) => typeof entry !== 'string' || entry === '');
  if (index >= 0) fail(`has ${show(value[index])} at index ${index}`);
  return Object.freeze([...(value as string[])]);
}

/** The meter provider the hub's instruments go to: the option, else the global one (a no-op until an SDK is installed). */
function meterProviderOf(value: unknown): MeterProvider {
  if (value === undefined) return metrics.getMeterProvider();
  if (typeof (value as Partial<MeterProvider> | null)?.getMeter !== 'function') {
    throw new TidingsError(
      'CONFIG_INVALID',
      `@tidings/server: createHub option "meterProvider" is ${String(value)}; expected an OpenTelemetry MeterProvider (an object with getMeter), such as the SDK's new MeterProvider({ readers }).`,
    );
  }
  return value as MeterProvider;
}

/** The handlers option, checked: each a function, each for a stream of the contract. */
function handlersOf(contract: AnyContract, handlers: unknown): ReadonlyMap<string, AnyHandler> {
  const out = new Map<string, AnyHandler>();
  if (handlers === undefined) return out;
  if (typeof handlers !== 'object' || handlers === null) {
    throw new TidingsError(
      'CONFIG_INVALID',
      `@tidings/server: createHub option "handlers" is ${String(handlers)}; expected an object of handlers by stream name.`,
    );
  }
  for (const [name, handler] of Object.entries(handlers)) {
    if (!Object.hasOwn(contract.streams, name)) {
      throw new TidingsError(
        'CONFIG_INVALID',
        `@tidings/server: createHub option "handlers" has "${name}", which the contract does not declare (streams: ${Object.keys(
          contract.streams,
        )
          .map((stream) => `"${stream}"`)
          .join(', ')}).`,
      );
    }
    if (typeof handler !== 'function') {
      throw new TidingsError(
        'CONFIG_INVALID',
        `@tidings/server: createHub option "handlers.${name}" is ${typeof handler}; expected an async generator function (async function* (ctx) { … }).`,
      );
    }
    out.set(name, handler as AnyHandler);
  }
  return out;
}

/**
 * Creates a hub for a contract: typed, validated `emit` per stream and a Fastify plugin that serves
 * every stream as Server-Sent Events. Works without Fastify too (a worker that only emits).
 * @example
 * const hub = createHub(market, { heartbeatMs: 15_000 });
 * await app.register(hub.plugin, { prefix: '/streams' });
 * await hub.streams.ticker.emit({ symbol: 'ACME' }, 'quote', { price: 1.5, at: new Date().toISOString() });
 */
export function createHub<
  const TContract extends AnyContract,
  THandled extends StreamNames<TContract> = never,
>(
  contract: TContract,
  options: HubOptions<TContract> & HubHandlerOptions<TContract, THandled> = {},
): Hub<TContract, THandled> {
  if (!isContract(contract)) {
    throw new TidingsContractError(
      '@tidings/server: createHub expects a contract made by defineContract({ … }) as its first argument.',
    );
  }
  const heartbeatMs = checkNumber(
    'heartbeatMs',
    options.heartbeatMs ?? DEFAULTS.heartbeatMs,
    1,
    // Clients drop a connection silent for 2.5 × the heartbeat; that delay must fit a timer too.
    Math.floor(MAX_TIMER_MS / 2.5),
  );
  const maxConnections = checkNumber(
    'maxConnections',
    options.maxConnections ?? DEFAULTS.maxConnections,
    0,
    Number.POSITIVE_INFINITY,
  );
  const maxBufferedBytes = checkNumber(
    'maxBufferedBytes',
    options.maxBufferedBytes ?? DEFAULTS.maxBufferedBytes,
    1,
    Number.MAX_SAFE_INTEGER,
  );
  const retryMs = checkNumber('retryMs', options.retryMs ?? DEFAULTS.retryMs, 0, MAX_TIMER_MS);
  const drainWindowMs = checkNumber(
    'drainWindowMs',
    options.drainWindowMs ?? DEFAULTS.drainWindowMs,
    0,
    MAX_TIMER_MS,
  );
  const maxSubscriptionsPerConnection = checkNumber(
    'maxSubscriptionsPerConnection',
    options.maxSubscriptionsPerConnection ?? DEFAULTS.maxSubscriptionsPerConnection,
    1,
    10_000,
  );
  const mismatch = options.onContractMismatch ?? 'warn';
  if (mismatch !== 'warn' && mismatch !== 'reject') {
    throw new TidingsError(
      'CONFIG_INVALID',
      `@tidings/server: createHub option "onContractMismatch" is ${JSON.stringify(mismatch)}; use 'warn' or 'reject'.`,
    );
  }
  const compatibleFingerprints = checkFingerprints(options.compatibleFingerprints ?? []);
  const meterProvider = meterProviderOf(options.meterProvider);

  const ownsBroker = options.broker === undefined;
  const broker = options.broker ?? memoryBroker();
  const names = Object.keys(contract.streams);
  const eventNames = names.map((name) => Object.keys(contract.streams[name]!.events));
  const counters = new Counters(eventNames);
  const handlers = handlersOf(contract, options.handlers);
  const fanout: Fanout = new Fanout({
    broker,
    counters,
    metrics: new HubMetrics({
      streams: names,
      events: eventNames,
      handled: new Set(names.flatMap((name, index) => (handlers.has(name) ? [index] : []))),
      counters,
      get subscriptions() {
        return fanout.perStream;
      },
      broker,
    }),
    streams: names,
    heartbeatMs,
    maxConnections,
    maxBufferedBytes,
    retryMs,
  });
  let closing: Promise<void> | undefined;
  const isClosed = (): boolean => closing !== undefined;

  const hubMetrics = fanout.metrics;
  const uninstrument = hubMetrics.instrument(meterProvider);
  const handles: Record<string, RuntimeStreamHandle | Omit<RuntimeStreamHandle, 'emit'>> = Object.create(
    unknownStreamGuard(names),
  );
  for (const [index, name] of names.entries()) {
    const { handle } = createStreamEmitter(
      name,
      contract.streams[name]!,
      { broker, counters: counters.streams[index]!, isClosed },
      (key) => fanout.countOn(key),
    );
    // A stream served by a handler has no emit: its events come from the handler.
    handles[name] = Object.freeze(handlers.has(name) ? { subscriberCount: handle.subscriberCount } : handle);
  }
  Object.freeze(handles);

  const drain = (drainOptions: DrainOptions = {}): Promise<void> => {
    const windowMs = checkNumber('drain windowMs', drainOptions.windowMs ?? drainWindowMs, 0, MAX_TIMER_MS);
    fanout.drain(windowMs);
    return Promise.resolve();
  };

  const close = (): Promise<void> => {
    closing ??= (async () => {
      fanout.drain(drainWindowMs);
      fanout.close();
      uninstrument();
      hubMetrics.close();
      if (ownsBroker) await broker.close();
    })();
    return closing;
  };

  const stats = (): HubStats<TContract> => {
    const subscribers: Record<string, number> = {};
    for (let i = 0; i < names.length; i++) subscribers[names[i]!] = fanout.perStream[i]!;
    return {
      connections: fanout.connections.size,
      subscriptions: fanout.perStream.reduce((sum, count) => sum + count, 0),
      subscribers: subscribers as HubStats<TContract>['subscribers'],
      eventsEmitted: counters.sumEvents((c) => c.emitted),
      framesWritten: counters.sum((c) => c.framesWritten),
      replaysServed: counters.sum((c) => c.replaysServed),
      gapsSignalled: counters.sum((c) => c.resumeGaps + c.liveGapFrames),
      liveGaps: counters.sum((c) => c.liveGaps),
      slowConsumerDisconnects: counters.sum((c) => c.slowConsumerDisconnects),
      contractMismatches: counters.sum((c) => c.contractMismatches),
    };
  };

  const plugin = createPlugin({
    contract,
    fingerprint: fingerprint(contract),
    fanout,
    counters,
    options: { ...options, compatibleFingerprints } as unknown as HubOptions<AnyContract>,
    heartbeatMs,
    retryMs,
    maxSubscriptionsPerConnection,
    handlers,
    isClosed,
    drain: () => drain(),
    close,
  });

  const hub: Hub<TContract, THandled> = {
    contract,
    broker,
    streams: handles as unknown as HubStreams<TContract, THandled>,
    plugin,
    stats,
    drain,
    close,
    [Symbol.asyncDispose]: close,
  };
  linkHubMetrics(hub, hubMetrics);
  return hub;
}
