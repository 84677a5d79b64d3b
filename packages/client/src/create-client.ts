import type { AnyContract, AnySchema, ContractDescriptor, ContractShape, ShapeOf } from '@tidings/contract';
import { TidingsContractError, TidingsError } from '@tidings/contract/errors';
import { streamDescriptors } from '@tidings/contract/wire';
import { createEventSourceTransport } from './event-source-transport.ts';
import { createFetchTransport } from './fetch-transport.ts';
import { createMultiplexTransport } from './multiplex-transport.ts';
import type { BroadcastChannelLike, LockManagerLike } from './shared-transport.ts';
import { createSubscription, type ResolvedReconnect } from './subscription.ts';
import { type Transport, transportError } from './transport.ts';
import type { ClientOptions, QueryValues, SubscribeOptions, Subscription, TidingsClient } from './types.ts';
import { topicUrl } from './url.ts';

function configError(message: string): TidingsError {
  return new TidingsError('CONFIG_INVALID', `@tidings/client: ${message}`);
}

/** A numeric option (milliseconds or bytes), at most 2^31 - 1 (the longest timer). */
function numberOption(
  options: ClientOptions,
  name: 'connectTimeoutMs' | 'idleTimeoutMs' | 'maxEventBytes',
  fallback: number,
  min: number,
): number {
  const value = options[name] ?? fallback;
  if (!(value >= min && value <= 2 ** 31 - 1)) {
    throw configError(`options.${name} is ${value}; expected a number from ${min} to 2147483647.`);
  }
  return value;
}

function resolveReconnect(options: ClientOptions): ResolvedReconnect | false {
  if (options.reconnect === false) return false;
  const initialDelayMs = options.reconnect?.initialDelayMs ?? 1000;
  const maxDelayMs = options.reconnect?.maxDelayMs ?? 30_000;
  const maxAttempts = options.reconnect?.maxAttempts ?? Number.POSITIVE_INFINITY;
  if (maxDelayMs < initialDelayMs) {
    throw configError(
      `reconnect.maxDelayMs (${maxDelayMs}) is below reconnect.initialDelayMs (${initialDelayMs}); raise the cap or lower the initial delay.`,
    );
  }
  return { initialDelayMs, maxDelayMs, maxAttempts };
}

function resolveTransport(options: ClientOptions): Transport {
  const kind = options.transport ?? 'fetch';
  const maxEventBytes = numberOption(options, 'maxEventBytes', 1_048_576, 1);
  const idleTimeoutMs = numberOption(options, 'idleTimeoutMs', 60_000, 0);
  if (kind === 'fetch') {
    if (!options.fetch && typeof globalThis.fetch !== 'function') {
      throw configError('no fetch on this platform; pass options.fetch.');
    }
    return createFetchTransport({
      fetch: options.fetch,
      credentials: options.credentials,
      maxEventBytes,
      idleTimeoutMs,
    });
  }
  if (kind !== 'eventsource') {
    throw configError(`unknown transport ${JSON.stringify(kind)}. Use 'fetch' or 'eventsource'.`);
  }
  if (options.headers !== undefined) {
    throw configError(
      'transport "eventsource" cannot send headers (an EventSource sends cookies only); use transport "fetch", or a cookie.',
    );
  }
  const EventSource =
    options.EventSource ??
    (globalThis as { EventSource?: ClientOptions['EventSource'] | undefined }).EventSource;
  if (!EventSource) {
    throw configError(
      'no EventSource on this platform; pass options.EventSource (the `eventsource` package) or use transport "fetch".',
    );
  }
  return createEventSourceTransport({ EventSource, withCredentials: options.credentials === 'include' });
}

/** True where tabs can share a connection: the Web Locks API and `BroadcastChannel`. */
function canShareAcrossTabs(): boolean {
  return (
    typeof (globalThis as { navigator?: { locks?: unknown } }).navigator?.locks === 'object' &&
    typeof (globalThis as { BroadcastChannel?: unknown }).BroadcastChannel === 'function'
  );
}

/**
 * The transport shared between tabs, loaded on demand (a page that does not share does not
 * download it when the bundler splits chunks).
 */
function sharedTransport(name: string, connection: () => Transport): Transport {
  const loading = import('./shared-transport.ts').then((module) =>
    module.createSharedTransport({
      name,
      connection,
      locks: (globalThis as unknown as { navigator: { locks: LockManagerLike } }).navigator.locks,
      channel: (channelName) =>
        new (
          globalThis as unknown as { BroadcastChannel: new (name: string) => BroadcastChannelLike }
        ).BroadcastChannel(channelName),
    }),
  );
  loading.catch(() => {});
  return {
    connect(request, handlers) {
      loading.then(
        (transport) => {
          if (!request.signal.aborted) transport.connect(request, handlers);
        },
        (cause: unknown) =>
          handlers.onEnd({
            error: transportError(request.stream, 'could not load the tab-sharing code.', cause),
          }),
      );
    },
  };
}

/**
 * Creates a typed client from a contract (schemas available: `validate: true` works) or from a
 * descriptor (what a generated client passes; no schemas, so no zod in a browser bundle).
 * @example
 * const client = createClient(market, { baseUrl: 'http://localhost:3000/streams' });
 * const sub = client.ticker.subscribe({ symbol: 'ACME' });
 * sub.addEventListener('quote', (e) => console.log(e.data.price));
 */
export function createClient<TContract extends AnyContract>(
  contract: TContract,
  options: ClientOptions,
): TidingsClient<ShapeOf<TContract>>;
export function createClient<TShape extends ContractShape>(
  descriptor: ContractDescriptor<TShape>,
  options: ClientOptions,
): TidingsClient<TShape>;
export function createClient(
  input: AnyContract | ContractDescriptor,
  options: ClientOptions,
): TidingsClient<ContractShape> {
  const contract = input?.kind === 'tidings.contract' ? input : undefined;
  if (!contract && input?.kind !== 'tidings.descriptor') {
    throw new TidingsContractError(
      '@tidings/client: createClient expects a contract (defineContract) or a descriptor (generated).',
    );
  }
  const descriptor: ContractDescriptor = contract
    ? { kind: 'tidings.descriptor', fingerprint: '', streams: streamDescriptors(contract) }
    : (input as ContractDescriptor);
  // A contract's fingerprint needs its JSON Schemas: that code loads on demand, so a bundle built
  // from a descriptor (a generated client) does not carry it when the bundler splits chunks.
  const fingerprint: string | Promise<string> = contract
    ? import('@tidings/contract/descriptor').then((module) => module.toDescriptor(contract).fingerprint)
    : descriptor.fingerprint;
  if (typeof fingerprint !== 'string') fingerprint.catch(() => {});
  if (typeof options?.baseUrl !== 'string') {
    throw configError('options.baseUrl must be the URL the plugin is registered at.');
  }
  if (options.validate && !contract) {
    throw new TidingsContractError(
      "@tidings/client: validate: true needs the contract's schemas; a descriptor has none. Pass the contract, or leave validate off.",
    );
  }
  if ('close' in descriptor.streams) {
    throw new TidingsContractError('@tidings/client: stream "close" clashes with client.close(); rename it.');
  }
  const reconnect = resolveReconnect(options);
  const connectTimeoutMs = numberOption(options, 'connectTimeoutMs', 15_000, 0);
  const single = resolveTransport(options);
  const multiplexed = () =>
    createMultiplexTransport({
      baseUrl: options.baseUrl,
      inner: single,
      headers: options.headers,
      fingerprint,
      reconnect,
      connectTimeoutMs,
    });
  if (options.shareAcrossTabs && options.multiplex === false) {
    throw configError('shareAcrossTabs shares one multiplexed connection; it needs multiplex (leave it on).');
  }
  const transport =
    options.multiplex === false
      ? single
      : options.shareAcrossTabs && canShareAcrossTabs()
        ? sharedTransport(
            `${new URL(options.baseUrl, globalThis.location?.href).href}|${descriptor.fingerprint}`,
            multiplexed,
          )
        : multiplexed();
  const open = new Set<Subscription>();
  let closed = false;

  const client: Record<string | symbol, unknown> = {};
  for (const [stream, streamDescriptor] of Object.entries(descriptor.streams)) {
    const definition = contract?.streams[stream];
    const hasParams = streamDescriptor.params.length > 0;
    const subscribe = (...args: unknown[]): Subscription => {
      const params = (hasParams ? args[0] : {}) as Readonly<Record<string, unknown>> | undefined;
      const subscribeOptions = ((hasParams ? args[1] : args[0]) ?? {}) as SubscribeOptions;
      if (closed)
        throw configError(`stream "${stream}": subscribe() after client.close(); create a new client.`);
      const query = subscribeOptions.query as QueryValues | undefined;
      if (definition && !definition.query && query && Object.keys(query).length > 0) {
        throw new TidingsContractError(
          `@tidings/client: stream "${stream}" declares no query, but subscribe() got query keys [${Object.keys(query).join(', ')}].`,
        );
      }
      let subscription: Subscription | undefined;
      subscription = createSubscription({
        stream,
        descriptor: streamDescriptor,
        url: topicUrl(options.baseUrl, stream, streamDescriptor, params ?? {}, query),
        topic: { params: params ?? {}, query },
        fingerprint,
        transport,
        headers: options.headers,
        reconnect,
        connectTimeoutMs,
        schemas: options.validate
          ? (definition?.events as { readonly [event: string]: AnySchema } | undefined)
          : undefined,
        lastEventId: subscribeOptions.lastEventId,
        signal: subscribeOptions.signal,
        onClose: () => {
          if (subscription) open.delete(subscription);
        },
      });
      if (subscription.status !== 'closed') open.add(subscription);
      return subscription;
    };
    client[stream] = Object.freeze({ subscribe });
  }
  const close = () => {
    closed = true;
    for (const subscription of [...open]) subscription.close();
  };
  client['close'] = close;
  client[Symbol.dispose] = close;
  return Object.freeze(client) as unknown as TidingsClient<ContractShape>;
}
