import { TidingsError } from '@tidings/contract/errors';
import {
  CLOSE_EVENT,
  compareParsedIds,
  EMPTY_POSITION,
  MULTIPLEX_PATH,
  type MultiplexEntry,
  type MuxFrame,
  type ParsedEventId,
  parseEventId,
  parseMuxFrame,
  SUBSCRIPTIONS_QUERY,
} from '@tidings/contract/wire';
import { backoffDelay } from './backoff.ts';
import type { ResolvedReconnect } from './subscription.ts';
import {
  httpError,
  isFatalStatus,
  type Transport,
  type TransportEnd,
  type TransportHandlers,
  type TransportRequest,
  transportError,
} from './transport.ts';
import type { HeadersOption } from './types.ts';

/** Options of the multiplexing transport. */
export interface MultiplexTransportOptions {
  /** The URL the plugin is registered at. */
  readonly baseUrl: string;
  /** What opens the one connection: the fetch or the eventsource transport. */
  readonly inner: Transport;
  readonly headers: HeadersOption | undefined;
  readonly fingerprint: string | Promise<string>;
  readonly reconnect: ResolvedReconnect | false;
  /** How long the connection may take to open, and a switch to a new list to complete; 0 for no limit. */
  readonly connectTimeoutMs: number;
  /** The backoff's random source in [0, 1) (a seam for tests). @default Math.random */
  readonly random?: (() => number) | undefined;
}

/** One connection to the multiplexed route, with the list it was opened with. */
interface Link {
  readonly controller: AbortController;
  /** Each channel's key on it, with the cursor it was sent (`null`: a fresh subscription). */
  readonly sent: ReadonlyMap<string, ParsedEventId | null>;
  /** Topic alias → the channels it carries on this connection. */
  readonly aliases: Map<string, Set<Channel>>;
  timer: ReturnType<typeof setTimeout> | undefined;
}

/** Where a channel is moving to while the list changes: the new link, from where, and what it sent meanwhile. */
interface Move {
  readonly link: Link;
  /** From which id the new link delivers everything: `undefined` until it says (a fresh subscription's position). */
  start: ParsedEventId | null | undefined;
  readonly held: MuxFrame[];
}

/** One subscription on the shared connection. */
interface Channel {
  readonly key: string;
  readonly request: TransportRequest;
  readonly handlers: TransportHandlers;
  /** The newest id it was given (event or position): its resume point, and what it never gets twice. */
  cursor: ParsedEventId | null;
  cursorText: string | undefined;
  open: boolean;
  /** The link whose frames it takes. */
  source: Link | undefined;
  move: Move | undefined;
}

/** Frames a channel may hold back while it moves to a new link; past it, it moves with a gap. */
const MAX_HELD = 10_000;

const newer = (id: ParsedEventId | null, than: ParsedEventId | null) =>
  id !== null && (than === null || compareParsedIds(id, than) > 0);

/**
 * Carries every subscription of a client over one connection to the plugin's multiplexed route.
 * A subscription's `connect` adds a channel; within a tick the changed list opens a new connection
 * with every channel's cursor (any instance can serve it: the cursors travel with the list).
 * Make before break: each channel keeps taking frames from the old connection until the new one
 * has delivered up to where the old one is (a fresh subscription's position on the new one tells
 * where that is; its frames are held until then), so a subscription that stays loses nothing and
 * gets nothing twice. A dropped connection interrupts every channel and reconnects with backoff; a
 * refused subscription ends only its own channel.
 */
export function createMultiplexTransport(options: MultiplexTransportOptions): Transport {
  const channels = new Map<string, Channel>();
  const base = options.baseUrl.replace(/\/+$/, '');
  /** The newest connection, open or opening. */
  let link: Link | undefined;
  /** The connection being replaced while channels move off it. */
  let retiring: Link | undefined;
  let reopening: ReturnType<typeof setTimeout> | undefined;
  let retry: ReturnType<typeof setTimeout> | undefined;
  let attempt = 0;
  let serverRetryMs: number | undefined;
  let nextKey = 0;

  const close = (old: Link | undefined): void => {
    if (!old) return;
    clearTimeout(old.timer);
    old.controller.abort();
    for (const channel of channels.values()) {
      if (channel.source === old) channel.source = undefined;
      if (channel.move?.link === old) channel.move = undefined;
    }
  };

  /** Applies the channel list within a tick: reopens when it changed, closes when empty. */
  const schedule = (): void => {
    if (reopening === undefined && retry === undefined) reopening = setTimeout(reopen, 0);
  };

  const endChannel = (channel: Channel, end: TransportEnd): void => {
    if (channels.get(channel.key) !== channel) return;
    channels.delete(channel.key);
    channel.handlers.onEnd(end);
  };

  /** The current connection is over (dropped, drained, refused): end or interrupt every channel, reconnect later. */
  const lost = (end: TransportEnd): void => {
    close(retiring);
    close(link);
    retiring = link = undefined;
    const reconnect = options.reconnect;
    if (end.fatal || reconnect === false || attempt >= reconnect.maxAttempts) {
      for (const channel of [...channels.values()]) endChannel(channel, { ...end, fatal: true });
      return;
    }
    for (const channel of channels.values()) {
      if (!channel.open) continue;
      channel.open = false;
      channel.handlers.onInterrupt(end.error);
    }
    const delay = backoffDelay({
      attempt,
      initialDelayMs: reconnect.initialDelayMs,
      maxDelayMs: reconnect.maxDelayMs,
      serverRetryMs,
      clean: end.clean,
      retryAfterMs: end.retryAfterMs,
      random: options.random,
    });
    attempt++;
    clearTimeout(reopening);
    reopening = undefined;
    clearTimeout(retry);
    retry = setTimeout(() => {
      retry = undefined;
      reopen();
    }, delay);
  };

  /** Hands a frame to a channel that takes it from this link: every id once, in order. */
  const handle = (channel: Channel, frame: MuxFrame): void => {
    switch (frame.kind) {
      case 'event': {
        const id = parseEventId(frame.id);
        if (id !== null && !newer(id, channel.cursor)) return;
        if (id !== null) channel.cursor = id;
        // A handler's own ids need not be `<ms>-<seq>`: still the point to resume from.
        channel.cursorText = frame.id;
        channel.handlers.onMessage({ id: frame.id, event: frame.name, data: frame.data });
        return;
      }
      case 'end':
        channel.handlers.onMessage({ id: undefined, event: CLOSE_EVENT, data: frame.value });
        return;
      case 'pos': {
        const id = parseEventId(frame.value);
        if (!newer(id, channel.cursor)) return;
        channel.cursor = id;
        channel.cursorText = frame.value;
        channel.handlers.onMessage({ id: frame.value, event: 'message', data: '' });
        return;
      }
      case 'gap':
        channel.handlers.onMessage({ id: undefined, event: 'gap', data: frame.value });
        return;
      default:
        return;
    }
  };

  /** Moves a channel onto its new link once that link delivers everything after where the channel is. */
  const settle = (channel: Channel, force = false): void => {
    const move = channel.move;
    if (!move) return;
    const start = move.start;
    const caughtUp =
      start === null ||
      (start !== undefined && channel.cursor !== null && compareParsedIds(channel.cursor, start) >= 0);
    if (!caughtUp && !force) return;
    channel.move = undefined;
    channel.source = move.link;
    if (!caughtUp) {
      // The old link ended first: what it still owed this channel may be missing.
      channel.handlers.onMessage({
        id: undefined,
        event: 'gap',
        data: JSON.stringify({ lastEventId: channel.cursorText, oldestAvailableId: undefined }),
      });
    }
    for (const frame of move.held) handle(channel, frame);
    retireIfDone();
  };

  /** Closes the old connection once no channel takes frames from it, and applies any change that waited. */
  const retireIfDone = (): void => {
    if (!retiring || [...channels.values()].some((channel) => channel.source === retiring)) return;
    close(retiring);
    retiring = undefined;
    schedule();
  };

  const onFrame = (from: Link, data: string): void => {
    const frame = parseMuxFrame(data);
    if (!frame) return;
    if (frame.kind === 'sub') {
      acknowledged(from, frame.alias, frame.value);
      return;
    }
    if (frame.kind === 'err') {
      refused(frame.value);
      return;
    }
    if (frame.kind === 'event' || frame.kind === 'gap') attempt = 0;
    for (const channel of from.aliases.get(frame.alias) ?? []) {
      if (channel.source === from) {
        handle(channel, frame);
        if (channel.move) settle(channel);
      } else if (channel.move?.link === from) {
        const move = channel.move;
        if (frame.kind === 'pos' && move.start === undefined) {
          move.start = frame.value === EMPTY_POSITION ? null : parseEventId(frame.value);
          settle(channel);
        } else if (move.held.length < MAX_HELD) {
          move.held.push(frame);
        } else {
          settle(channel, true);
        }
      }
    }
  };

  const acknowledged = (from: Link, alias: string, key: string): void => {
    const channel = channels.get(key);
    if (!channel || !from.sent.has(key)) return;
    let set = from.aliases.get(alias);
    if (!set) {
      set = new Set();
      from.aliases.set(alias, set);
    }
    set.add(channel);
    if (channel.source === undefined || channel.source === from) {
      channel.source = from;
      if (!channel.open) {
        channel.open = true;
        channel.handlers.onOpen();
      }
      return;
    }
    // It was on the old link: it moves once the new one has caught up with it. A resumed one
    // (sent its cursor) has: the new link replays everything after it.
    const sent = from.sent.get(key) ?? null;
    channel.move = { link: from, start: sent === null ? undefined : sent, held: [] };
    settle(channel);
  };

  const refused = (value: string): void => {
    let refusal: { k?: unknown; status?: unknown; body?: unknown } = {};
    try {
      refusal = JSON.parse(value) ?? {};
    } catch {}
    const channel = typeof refusal.k === 'string' ? channels.get(refusal.k) : undefined;
    if (!channel) return;
    const status = typeof refusal.status === 'number' ? refusal.status : 500;
    endChannel(channel, {
      error: httpError(channel.request, status, refusal.body),
      fatal: isFatalStatus(status),
    });
    schedule();
  };

  /** Opens a connection with the current list; the one before keeps serving until every channel has moved. */
  function reopen(): void {
    reopening = undefined;
    if (retry !== undefined) return;
    if (channels.size === 0) {
      close(retiring);
      close(link);
      retiring = link = undefined;
      return;
    }
    if (link && link.sent.size === channels.size && [...channels.keys()].every((key) => link!.sent.has(key)))
      return;
    // One change at a time: a list that changes again while channels move waits for them.
    retireIfDone();
    if (retiring) return;
    if (link && [...channels.values()].some((channel) => channel.source === link)) {
      retiring = link;
      // A move that does not complete in time (no position from a broker without one) completes with a gap.
      if (options.connectTimeoutMs > 0) {
        const old = retiring;
        old.timer = setTimeout(() => {
          if (retiring !== old) return;
          for (const channel of channels.values()) if (channel.move) settle(channel, true);
          retireIfDone();
        }, options.connectTimeoutMs);
      }
    } else close(link);
    const sent = new Map<string, ParsedEventId | null>();
    const entries: MultiplexEntry[] = [];
    for (const channel of channels.values()) {
      sent.set(channel.key, channel.cursor);
      const topic = channel.request.topic;
      entries.push({
        k: channel.key,
        s: channel.request.stream,
        ...(topic && Object.keys(topic.params).length > 0 ? { p: topic.params } : {}),
        ...(topic?.query && Object.keys(topic.query).length > 0 ? { q: topic.query } : {}),
        ...(channel.cursorText !== undefined ? { c: channel.cursorText } : {}),
      });
    }
    const controller = new AbortController();
    const opening: Link = { controller, sent, aliases: new Map(), timer: undefined };
    link = opening;
    const live = () => !controller.signal.aborted && (link === opening || retiring === opening);
    const url = `${base}${MULTIPLEX_PATH}?${SUBSCRIPTIONS_QUERY}=${encodeURIComponent(JSON.stringify(entries))}`;
    const headers = options.headers;
    Promise.all([
      options.fingerprint,
      Promise.resolve().then(() => (typeof headers === 'function' ? headers() : (headers ?? {}))),
    ]).then(
      ([fingerprint, resolved]) => {
        if (!live()) return;
        if (options.connectTimeoutMs > 0) {
          opening.timer = setTimeout(() => {
            if (link === opening)
              lost({
                error: transportError(
                  'multiplexed',
                  `no response from GET ${base}${MULTIPLEX_PATH} within ${options.connectTimeoutMs} ms (raise connectTimeoutMs for a slow server); retrying.`,
                ),
              });
          }, options.connectTimeoutMs);
        }
        options.inner.connect(
          {
            stream: 'multiplexed',
            url,
            headers: resolved,
            fingerprint,
            lastEventId: undefined,
            events: ['message'],
            signal: controller.signal,
          },
          {
            onOpen() {
              if (live()) clearTimeout(opening.timer);
            },
            onMessage(message) {
              if (live()) onFrame(opening, message.data);
            },
            onRetry(ms) {
              serverRetryMs = ms;
            },
            onInterrupt() {},
            onEnd(end) {
              if (!live()) return;
              if (link === opening) return lost(end);
              // The old connection ended while channels moved off it: they move now.
              for (const channel of channels.values()) if (channel.move) settle(channel, true);
              if (retiring === opening) {
                close(opening);
                retiring = undefined;
                schedule();
              }
            },
          },
        );
      },
      (cause: unknown) => {
        if (link === opening)
          lost({
            error: new TidingsError('TRANSPORT_ERROR', '@tidings/client: headers() failed; retrying.', {
              cause,
            }),
          });
      },
    );
  }

  return {
    connect(request, handlers) {
      const key = (nextKey++).toString(36);
      const cursor = parseEventId(request.lastEventId);
      const channel: Channel = {
        key,
        request,
        handlers,
        cursor,
        // Sent as given even when it is not `<ms>-<seq>`: a handler may use ids of its own.
        cursorText: request.lastEventId,
        open: false,
        source: undefined,
        move: undefined,
      };
      channels.set(key, channel);
      request.signal.addEventListener(
        'abort',
        () => {
          if (channels.get(key) !== channel) return;
          channels.delete(key);
          retireIfDone();
          schedule();
        },
        { once: true },
      );
      schedule();
    },
  };
}
