import type { AnySchema, StreamDescriptor } from '@tidings/contract';
import { describeIssues, TidingsError, TidingsValidationError } from '@tidings/contract/errors';
import { CLOSE_EVENT, GAP_EVENT, validateWith } from '@tidings/contract/wire';
import { backoffDelay } from './backoff.ts';
import { createEventQueue, type EventQueue } from './event-queue.ts';
import { createListenerRegistry } from './listeners.ts';
import {
  type Transport,
  type TransportEnd,
  type TransportHandlers,
  type TransportMessage,
  type TransportTopic,
  transportError,
} from './transport.ts';
import type {
  EventPayloads,
  HeadersOption,
  LifecycleEvents,
  StreamEvent,
  Subscription,
  SubscriptionStatus,
} from './types.ts';

/** Reconnect settings with every default filled in. */
export interface ResolvedReconnect {
  readonly initialDelayMs: number;
  readonly maxDelayMs: number;
  readonly maxAttempts: number;
}

/** Everything one subscription needs; `createClient` builds it. */
export interface SubscriptionConfig {
  readonly stream: string;
  readonly descriptor: StreamDescriptor;
  readonly url: string;
  /** The subscription's params and query, for a multiplexing transport. */
  readonly topic: TransportTopic;
  /** A promise while a contract's fingerprint is being computed. */
  readonly fingerprint: string | Promise<string>;
  readonly transport: Transport;
  readonly headers: HeadersOption | undefined;
  readonly reconnect: ResolvedReconnect | false;
  /** How long a connection may take to open before it is aborted and retried; 0 for no limit. */
  readonly connectTimeoutMs: number;
  /** Event schemas, when payloads are validated. */
  readonly schemas: { readonly [event: string]: AnySchema } | undefined;
  readonly lastEventId: string | undefined;
  readonly signal: AbortSignal | undefined;
  /** Called once when the subscription closes. */
  readonly onClose: () => void;
  /** The backoff's random source in [0, 1) (a seam for tests). @default Math.random */
  readonly random?: (() => number) | undefined;
  /** Schedules a reconnect (a seam for tests that record the delays). @default setTimeout */
  readonly schedule?: ((reconnect: () => void, delayMs: number) => ReturnType<typeof setTimeout>) | undefined;
}

type AnyEvent = StreamEvent<EventPayloads> | LifecycleEvents[keyof LifecycleEvents];

function parseGap(data: string, fallback: string | undefined) {
  let value: { lastEventId?: unknown; oldestAvailableId?: unknown } = {};
  try {
    value = JSON.parse(data) ?? {};
  } catch {}
  return {
    type: 'gap' as const,
    lastEventId: typeof value.lastEventId === 'string' ? value.lastEventId : fallback,
    oldestAvailableId: typeof value.oldestAvailableId === 'string' ? value.oldestAvailableId : undefined,
  };
}

/** The error a final `close` frame carries, if any (`{}` is a plain end). */
function endError(stream: string, data: string): TidingsError | undefined {
  let body: { error?: { code?: unknown; message?: unknown } } = {};
  try {
    body = JSON.parse(data) ?? {};
  } catch {}
  const error = body.error;
  if (typeof error !== 'object' || error === null) return undefined;
  const message =
    typeof error.message === 'string'
      ? error.message
      : `@tidings/client: stream "${stream}" ended with an error.`;
  const code =
    error.code === 'VALIDATION_FAILED' || error.code === 'UNKNOWN_EVENT' ? error.code : 'HANDLER_FAILED';
  return new TidingsError(code, message);
}

/** Opens a subscription: connects, delivers typed events, reconnects with backoff and resumes. */
export function createSubscription(config: SubscriptionConfig): Subscription {
  const { stream, reconnect } = config;
  const known = new Set(config.descriptor.events);
  const listeners = createListenerRegistry<AnyEvent>();
  const queues = new Set<EventQueue<StreamEvent<EventPayloads>>>();
  let status: SubscriptionStatus = 'connecting';
  let lastEventId = config.lastEventId;
  // Consecutive connections that failed or delivered no event: the backoff's exponent.
  let attempt = 0;
  // Consecutive connections the server ended in good order without an event.
  let emptyEnds = 0;
  let delivered = false;
  let openedAt: number | undefined;
  let serverRetryMs: number | undefined;
  let connection: AbortController | undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let connectTimer: ReturnType<typeof setTimeout> | undefined;
  let pending: Promise<void> | undefined;
  let closedBy: TidingsError | undefined;
  let opened = false;

  const isClosed = () => status === 'closed';
  const fail = (what: string, cause?: unknown) => transportError(stream, what, cause);

  const deliver = (event: StreamEvent<EventPayloads>) => {
    if (status === 'closed') return;
    listeners.dispatch(event);
    for (const queue of queues) queue.push(event);
  };

  const report = (error: TidingsError, fatal = false) => {
    listeners.dispatch({ type: 'error', error, fatal });
  };

  const finish = (error: TidingsError | undefined) => {
    if (status === 'closed') return;
    status = 'closed';
    closedBy = error;
    clearTimeout(timer);
    clearTimeout(connectTimer);
    connection?.abort();
    connection = undefined;
    config.signal?.removeEventListener('abort', close);
    if (error) report(error, true);
    for (const queue of queues) queue.end(error);
    queues.clear();
    listeners.dispatch({ type: 'close', error });
    listeners.clear();
    config.onClose();
  };

  function close() {
    finish(undefined);
  }

  const validated = (name: string, id: string, outcome: ReturnType<typeof validateWith>) => {
    const settle = (result: Awaited<typeof outcome>) => {
      if (result.ok) return deliver({ type: name, data: result.value, id });
      const error = new TidingsValidationError(
        `@tidings/client: stream "${stream}", event "${name}" (id ${id}) does not match the contract: ${describeIssues(result.issues)}; not delivered.`,
        result.issues,
      );
      if (status !== 'closed') report(error);
    };
    if (!(outcome instanceof Promise) && !pending) {
      settle(outcome);
      return;
    }
    const previous = pending ?? Promise.resolve();
    const next: Promise<void> = previous
      .then(() => outcome)
      .then(settle, (cause: unknown) => {
        if (status !== 'closed') report(fail(`validating event "${name}" threw.`, cause));
      })
      .finally(() => {
        if (pending === next) pending = undefined;
      });
    pending = next;
  };

  // An event or a gap is what makes a connection worth having; a heartbeat, a retry: frame or a
  // position frame is not (a server that sends only those and ends would be reconnected to in a loop).
  const progress = () => {
    delivered = true;
    attempt = 0;
    emptyEnds = 0;
  };

  const onMessage = (message: TransportMessage) => {
    // The stream ended for good (its handler returned or failed): close, do not reconnect.
    if (message.event === CLOSE_EVENT) return finish(endError(stream, message.data));
    if (message.event === GAP_EVENT) {
      progress();
      return listeners.dispatch(parseGap(message.data, lastEventId));
    }
    if (message.id !== undefined) lastEventId = message.id === '' ? undefined : message.id;
    if (!known.has(message.event)) return;
    progress();
    const id = message.id ?? lastEventId ?? '';
    let data: unknown;
    try {
      data = JSON.parse(message.data);
    } catch {
      return report(
        new TidingsValidationError(
          `@tidings/client: stream "${stream}", event "${message.event}" (id ${id}): payload is not JSON; not delivered.`,
          [{ message: 'expected JSON' }],
        ),
      );
    }
    const schema = config.schemas?.[message.event];
    if (schema) validated(message.event, id, validateWith(schema, data));
    else if (pending) validated(message.event, id, { ok: true, value: data });
    else deliver({ type: message.event, data, id });
  };

  const onEnd = (end: TransportEnd) => {
    connection = undefined;
    clearTimeout(connectTimer);
    const openFor = openedAt === undefined ? -1 : Date.now() - openedAt;
    openedAt = undefined;
    let error = end.error;
    if (end.fatal || reconnect === false) return finish(error);
    // A connection open for the longest backoff delay cannot make a hot loop, events or not.
    if (openFor >= reconnect.maxDelayMs) progress();
    if (error || delivered) emptyEnds = 0;
    else if (++emptyEnds > 1 || attempt >= reconnect.maxAttempts) {
      error = fail(
        `the server ended the stream ${emptyEnds} times in a row without an event; backing off. Check the server or its proxy.`,
      );
    }
    if (attempt >= reconnect.maxAttempts) return finish(error);
    status = 'connecting';
    if (error) report(error);
    if (isClosed()) return;
    const delay = backoffDelay({
      attempt,
      initialDelayMs: reconnect.initialDelayMs,
      maxDelayMs: reconnect.maxDelayMs,
      serverRetryMs,
      clean: end.clean,
      retryAfterMs: end.retryAfterMs,
      random: config.random,
    });
    attempt++;
    timer = (config.schedule ?? setTimeout)(connect, delay);
  };

  const handlersFor = (controller: AbortController): TransportHandlers => {
    const live = () => connection === controller && !controller.signal.aborted;
    return {
      onOpen() {
        if (!live()) return;
        clearTimeout(connectTimer);
        status = 'open';
        openedAt = Date.now();
        listeners.dispatch({ type: 'open' });
        // Reopened without a position to resume from: whatever was sent meanwhile is unknown.
        if (opened && lastEventId === undefined && !isClosed()) {
          listeners.dispatch({ type: 'gap', lastEventId: undefined, oldestAvailableId: undefined });
        }
        opened = true;
      },
      onMessage(message) {
        if (live()) onMessage(message);
      },
      onRetry(ms) {
        serverRetryMs = ms;
      },
      onInterrupt(error) {
        if (!live() || isClosed()) return;
        status = 'connecting';
        openedAt = undefined;
        if (error) report(error);
      },
      onEnd(end) {
        if (!live()) return;
        onEnd(end);
        controller.abort();
      },
    };
  };

  function connect() {
    timer = undefined;
    if (status === 'closed') return;
    const controller = new AbortController();
    connection = controller;
    delivered = false;
    const headers = config.headers;
    const resolveHeaders = () => (typeof headers === 'function' ? headers() : (headers ?? {}));
    Promise.all([config.fingerprint, Promise.resolve().then(resolveHeaders)]).then(
      ([fingerprint, resolved]) => {
        if (connection !== controller || controller.signal.aborted) return;
        const { connectTimeoutMs } = config;
        if (connectTimeoutMs > 0) {
          connectTimer = setTimeout(() => {
            if (connection !== controller) return;
            controller.abort();
            onEnd({
              error: fail(
                `no response from GET ${config.url} within ${connectTimeoutMs} ms (raise connectTimeoutMs for a slow server); retrying.`,
              ),
            });
          }, connectTimeoutMs);
        }
        config.transport.connect(
          {
            stream,
            url: config.url,
            headers: resolved,
            fingerprint,
            lastEventId,
            events: config.descriptor.events,
            signal: controller.signal,
            topic: config.topic,
          },
          handlersFor(controller),
        );
      },
      (cause: unknown) => {
        if (connection === controller && !controller.signal.aborted) {
          onEnd({ error: fail('headers() failed; retrying.', cause) });
        }
      },
    );
  }

  if (config.signal?.aborted) finish(undefined);
  else {
    config.signal?.addEventListener('abort', close, { once: true });
    connect();
  }

  return {
    get status() {
      return status;
    },
    get lastEventId() {
      return lastEventId;
    },
    addEventListener(type, listener, options) {
      if (status !== 'closed') listeners.add(type, listener as (event: AnyEvent) => void, options);
    },
    removeEventListener(type, listener) {
      listeners.remove(type, listener as (event: AnyEvent) => void);
    },
    [Symbol.asyncIterator]() {
      const queue: EventQueue<StreamEvent<EventPayloads>> = createEventQueue(() => queues.delete(queue));
      if (status === 'closed') queue.end(closedBy);
      else queues.add(queue);
      return queue.iterator;
    },
    close,
    [Symbol.dispose]: close,
  };
}
