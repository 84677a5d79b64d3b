import { TidingsError } from '@tidings/contract/errors';
import { compareParsedIds, type ParsedEventId, parseEventId } from '@tidings/contract/wire';
import { TidingsHttpError } from './errors.ts';
import type {
  Transport,
  TransportEnd,
  TransportHandlers,
  TransportMessage,
  TransportRequest,
  TransportTopic,
} from './transport.ts';

/** The parts of the Web Locks API the shared transport uses. */
export interface LockManagerLike {
  request(name: string, options: { signal?: AbortSignal }, callback: () => Promise<void>): Promise<unknown>;
}

/** The parts of a `BroadcastChannel` the shared transport uses. */
export interface BroadcastChannelLike {
  postMessage(message: unknown): void;
  addEventListener(type: 'message', listener: (event: { data: unknown }) => void): void;
  close(): void;
}

/** Options of the transport that shares one connection between the tabs of an origin. */
export interface SharedTransportOptions {
  /** Names the lock and the channel: tabs with the same name share a connection. */
  readonly name: string;
  /** Opens the leader's connection (the multiplexing transport). */
  readonly connection: () => Transport;
  readonly locks: LockManagerLike;
  readonly channel: (name: string) => BroadcastChannelLike;
}

/** A subscription as it travels to the leader tab. */
interface Wanted {
  readonly stream: string;
  readonly url: string;
  readonly events: readonly string[];
  readonly topic: TransportTopic | undefined;
  readonly cursor: string | undefined;
}

/** An error as it travels between tabs. */
interface SentError {
  readonly message: string;
  readonly code: string;
  readonly status?: number | undefined;
  readonly body?: unknown;
}

type Note =
  | { readonly kind: 'open' }
  | { readonly kind: 'message'; readonly message: TransportMessage }
  | { readonly kind: 'retry'; readonly ms: number }
  | { readonly kind: 'interrupt'; readonly error?: SentError | undefined }
  | {
      readonly kind: 'end';
      readonly end: Omit<TransportEnd, 'error'> & { readonly error?: SentError | undefined };
    };

type Envelope =
  | { readonly type: 'hello'; readonly tab: string }
  | { readonly type: 'leader'; readonly tab: string }
  | { readonly type: 'sub'; readonly tab: string; readonly key: string; readonly wanted: Wanted }
  | { readonly type: 'unsub'; readonly tab: string; readonly key: string }
  | { readonly type: 'note'; readonly tab: string; readonly key: string; readonly note: Note };

const sendError = (error: TidingsError | undefined): SentError | undefined =>
  error === undefined
    ? undefined
    : {
        message: error.message,
        code: error.code,
        ...(error instanceof TidingsHttpError ? { status: error.status, body: error.body } : {}),
      };

const receiveError = (sent: SentError | undefined): TidingsError | undefined => {
  if (sent === undefined) return undefined;
  if (sent.status !== undefined) return new TidingsHttpError(sent.message, sent.status, sent.body);
  return new TidingsError('TRANSPORT_ERROR', sent.message);
};

/** One subscription of this tab, served by whichever tab leads. */
interface LocalChannel {
  readonly key: string;
  readonly request: TransportRequest;
  readonly handlers: TransportHandlers;
  cursor: ParsedEventId | null;
  cursorText: string | undefined;
  open: boolean;
}

/**
 * Shares one connection between the tabs of an origin: the tab holding a Web Lock leads and opens
 * the connection for the subscriptions of every tab, which it hears of and answers over a
 * `BroadcastChannel`. When the leader tab goes, the next one waiting for the lock leads: each tab
 * sends it its subscriptions again, with their cursors, so they resume with nothing lost; a
 * subscription never takes an id twice.
 */
export function createSharedTransport(options: SharedTransportOptions): Transport {
  const tab = globalThis.crypto.randomUUID();
  const bus = options.channel(`tidings:${options.name}`);
  const local = new Map<string, LocalChannel>();
  let leader: string | undefined;
  let nextKey = 0;
  /** Set while this tab leads: the connection and the subscriptions it carries, by tab and key. */
  let leading: { readonly connection: Transport; readonly served: Map<string, AbortController> } | undefined;

  const post = (envelope: Envelope): void => bus.postMessage(envelope);

  /** Delivers a leader's note to one of this tab's subscriptions: every id once, in order. */
  const deliver = (key: string, note: Note): void => {
    const channel = local.get(key);
    if (!channel) return;
    switch (note.kind) {
      case 'open':
        if (channel.open) return;
        channel.open = true;
        channel.handlers.onOpen();
        return;
      case 'message': {
        const id = parseEventId(note.message.id);
        if (id !== null) {
          if (channel.cursor !== null && compareParsedIds(id, channel.cursor) <= 0) return;
          channel.cursor = id;
        }
        // A handler's own ids need not be `<ms>-<seq>`: still the point to resume from.
        if (note.message.id !== undefined) channel.cursorText = note.message.id;
        channel.handlers.onMessage(note.message);
        return;
      }
      case 'retry':
        channel.handlers.onRetry(note.ms);
        return;
      case 'interrupt':
        channel.open = false;
        channel.handlers.onInterrupt(receiveError(note.error));
        return;
      case 'end':
        local.delete(key);
        channel.handlers.onEnd({ ...note.end, error: receiveError(note.end.error) });
        return;
    }
  };

  /** The leader's side: serves one subscription of some tab on its connection. */
  const serve = (from: string, key: string, wanted: Wanted): void => {
    if (!leading) return;
    const id = `${from}/${key}`;
    leading.served.get(id)?.abort();
    const controller = new AbortController();
    leading.served.set(id, controller);
    const reply = (note: Note) => {
      if (controller.signal.aborted) return;
      if (note.kind === 'end') leading?.served.delete(id);
      if (from === tab) deliver(key, note);
      else post({ type: 'note', tab: from, key, note });
    };
    leading.connection.connect(
      {
        stream: wanted.stream,
        url: wanted.url,
        headers: {},
        fingerprint: '',
        lastEventId: wanted.cursor,
        events: wanted.events,
        signal: controller.signal,
        topic: wanted.topic,
      },
      {
        onOpen: () => reply({ kind: 'open' }),
        onMessage: (message) => reply({ kind: 'message', message }),
        onRetry: (ms) => reply({ kind: 'retry', ms }),
        onInterrupt: (error) => reply({ kind: 'interrupt', error: sendError(error) }),
        onEnd: (end) => reply({ kind: 'end', end: { ...end, error: sendError(end.error) } }),
      },
    );
  };

  const wantedOf = (channel: LocalChannel): Wanted => ({
    stream: channel.request.stream,
    url: channel.request.url,
    events: channel.request.events,
    topic: channel.request.topic,
    cursor: channel.cursorText,
  });

  /** Asks the leader (maybe this tab) for every subscription of this tab, each from its cursor. */
  const announce = (): void => {
    for (const channel of local.values()) {
      if (leader === tab) serve(tab, channel.key, wantedOf(channel));
      else post({ type: 'sub', tab, key: channel.key, wanted: wantedOf(channel) });
    }
  };

  /** A new leader: the connection the old one held is gone; every subscription goes to the new one. */
  const followLeader = (next: string): void => {
    if (leader === next) return;
    leader = next;
    for (const channel of local.values()) {
      if (!channel.open) continue;
      channel.open = false;
      channel.handlers.onInterrupt(undefined);
    }
    announce();
  };

  bus.addEventListener('message', ({ data }) => {
    const envelope = data as Envelope;
    switch (envelope.type) {
      case 'hello':
        if (leading) post({ type: 'leader', tab });
        return;
      case 'leader':
        return followLeader(envelope.tab);
      case 'sub':
        return serve(envelope.tab, envelope.key, envelope.wanted);
      case 'unsub': {
        const id = `${envelope.tab}/${envelope.key}`;
        leading?.served.get(id)?.abort();
        leading?.served.delete(id);
        return;
      }
      case 'note':
        if (envelope.tab === tab) deliver(envelope.key, envelope.note);
        return;
    }
  });

  const resign = new AbortController();
  void options.locks
    .request(`tidings:${options.name}`, { signal: resign.signal }, () => {
      leading = { connection: options.connection(), served: new Map() };
      post({ type: 'leader', tab });
      followLeader(tab);
      // Lead until the tab goes (the browser releases the lock); an idle connection closes itself.
      return new Promise<void>((resolve) =>
        resign.signal.addEventListener('abort', () => resolve(), { once: true }),
      );
    })
    .catch(() => {});
  post({ type: 'hello', tab });

  return {
    connect(request, handlers) {
      const key = (nextKey++).toString(36);
      const cursor = parseEventId(request.lastEventId);
      const channel: LocalChannel = {
        key,
        request,
        handlers,
        cursor,
        // Sent as given even when it is not `<ms>-<seq>`: a handler may use ids of its own.
        cursorText: request.lastEventId,
        open: false,
      };
      local.set(key, channel);
      request.signal.addEventListener(
        'abort',
        () => {
          local.delete(key);
          if (leader === tab) {
            leading?.served.get(`${tab}/${key}`)?.abort();
            leading?.served.delete(`${tab}/${key}`);
          } else post({ type: 'unsub', tab, key });
        },
        { once: true },
      );
      if (leader === tab) serve(tab, key, wantedOf(channel));
      else if (leader !== undefined) post({ type: 'sub', tab, key, wanted: wantedOf(channel) });
    },
  };
}
