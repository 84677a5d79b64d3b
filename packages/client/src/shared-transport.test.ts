import { describe, expect, test, vi } from 'vitest';
import {
  type BroadcastChannelLike,
  createSharedTransport,
  type LockManagerLike,
} from './shared-transport.ts';
import type { Transport, TransportHandlers, TransportRequest } from './transport.ts';

/**
 * Tabs of one origin in this process: one Web Lock, granted to the first tab that asks and to the
 * next when its holder goes, and `BroadcastChannel`s that reach every other open one of a name.
 * `close()` is a tab going: the browser releases its lock and closes its channels.
 */
function origin() {
  let held: Promise<unknown> = Promise.resolve();
  const open = new Set<{ name: string; listeners: ((event: { data: unknown }) => void)[] }>();
  return {
    tab() {
      let gone!: () => void;
      const closed = new Promise<void>((resolve) => (gone = resolve));
      const mine = new Set<{ name: string; listeners: ((event: { data: unknown }) => void)[] }>();
      const locks: LockManagerLike = {
        request(_name, _options, callback) {
          const turn = held.then(() => Promise.race([callback(), closed]));
          held = turn.catch(() => {});
          return turn;
        },
      };
      const channel = (name: string): BroadcastChannelLike => {
        const self = { name, listeners: [] as ((event: { data: unknown }) => void)[] };
        open.add(self);
        mine.add(self);
        return {
          postMessage(message) {
            const data = structuredClone(message);
            for (const other of open) {
              if (other === self || other.name !== name) continue;
              queueMicrotask(() => {
                if (open.has(other)) for (const listener of other.listeners) listener({ data });
              });
            }
          },
          addEventListener: (_type, listener) => self.listeners.push(listener),
          close: () => open.delete(self),
        };
      };
      const close = () => {
        for (const self of mine) open.delete(self);
        gone();
      };
      return { locks, channel, close };
    },
  };
}

/** The leader's connection: records each request and lets the test speak for the server. */
function recordingConnection() {
  const requests: { request: TransportRequest; handlers: TransportHandlers }[] = [];
  const transport: Transport = {
    connect(request, handlers) {
      requests.push({ request, handlers });
    },
  };
  return { requests, transport };
}

const handlers = (): TransportHandlers & { ids: (string | undefined)[] } => {
  const ids: (string | undefined)[] = [];
  return {
    ids,
    onOpen: () => {},
    onMessage: (message) => ids.push(message.id),
    onRetry: () => {},
    onInterrupt: () => {},
    onEnd: () => {},
  };
};

const request = (lastEventId: string | undefined, signal: AbortSignal): TransportRequest => ({
  stream: 'answer',
  url: 'http://127.0.0.1/streams/answers/q1',
  headers: {},
  fingerprint: '',
  lastEventId,
  events: ['token'],
  signal,
  topic: { params: { id: 'q1' }, query: {} },
});

describe('createSharedTransport', () => {
  test('a handler stream resumes from an id of its own kind: the leader is asked from it, and a new leader from the last one seen', async () => {
    const tabs = origin();
    const leaderTab = tabs.tab();
    const followerTab = tabs.tab();
    const first = recordingConnection();
    const second = recordingConnection();
    const leading = createSharedTransport({ name: 'app', connection: () => first.transport, ...leaderTab });
    const following = createSharedTransport({
      name: 'app',
      connection: () => second.transport,
      ...followerTab,
    });
    leading.connect(request(undefined, new AbortController().signal), handlers());

    // The follower subscribes from a handler's own id (not `<ms>-<seq>`): the leader asks from it.
    const seen = handlers();
    following.connect(request('token-7', new AbortController().signal), seen);
    await vi.waitFor(() => expect(first.requests.map((r) => r.request.lastEventId)).toContain('token-7'), {
      timeout: 5_000,
      interval: 5,
    });
    const served = first.requests.find((r) => r.request.lastEventId === 'token-7')!;
    served.handlers.onOpen();
    served.handlers.onMessage({ id: 'token-8', event: 'token', data: '{}' });
    await vi.waitFor(() => expect(seen.ids).toEqual(['token-8']), { timeout: 5_000, interval: 5 });

    // The leader tab goes: the follower leads and serves itself from the last id it saw.
    leaderTab.close();
    await vi.waitFor(() => expect(second.requests.map((r) => r.request.lastEventId)).toEqual(['token-8']), {
      timeout: 5_000,
      interval: 5,
    });
  });
});
