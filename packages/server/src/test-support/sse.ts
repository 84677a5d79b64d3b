import { type IncomingHttpHeaders, request } from 'node:http';
import { positionOf } from '@tidings/contract/wire';
import { createParser } from 'eventsource-parser';

export interface SseEvent {
  readonly id: string | undefined;
  readonly event: string | undefined;
  readonly data: string;
}

/** An open SSE response read with node:http and eventsource-parser. */
export interface SseStream extends AsyncDisposable {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly events: SseEvent[];
  readonly retries: number[];
  readonly comments: string[];
  /** Ids of position frames (read from their comment line, as the Tidings client does). */
  readonly positions: string[];
  /** Events received (also when `retain: false` keeps only the last one in `events`). */
  count(): number;
  /** The raw body, as received. */
  readonly body: () => string;
  /** Resolves with the events once there are at least `count` (bounded in time). */
  until(count: number, timeoutMs?: number): Promise<SseEvent[]>;
  /** Resolves once `check` holds (re-checked on every chunk and at the end). */
  when(check: () => boolean, label: string, timeoutMs?: number): Promise<void>;
  /** Resolves when the response ends or the socket closes. */
  readonly ended: Promise<void>;
  readonly isEnded: () => boolean;
  close(): void;
}

export async function openSse(
  url: string,
  headers: Record<string, string> = {},
  { timeoutMs = 10_000, retain = true }: { timeoutMs?: number; retain?: boolean } = {},
): Promise<SseStream> {
  return new Promise((resolve, reject) => {
    // Keep the path as written (no dot-segment normalization), so tests can send hostile paths.
    const match = /^http:\/\/([^/:]+):(\d+)(\/.*)?$/.exec(url);
    if (!match) throw new Error(`openSse needs http://host:port/path, got ${url}`);
    const req = request({
      host: match[1],
      port: Number(match[2]),
      path: match[3] ?? '/',
      headers: { accept: 'text/event-stream', ...headers },
      agent: false,
    });
    const timer = setTimeout(() => {
      req.destroy();
      reject(new Error(`no response from ${url} within ${timeoutMs} ms`));
    }, timeoutMs);
    req.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    req.on('response', (res) => {
      clearTimeout(timer);
      const events: SseEvent[] = [];
      const retries: number[] = [];
      const comments: string[] = [];
      const positions: string[] = [];
      const watchers = new Set<() => void>();
      let body = '';
      let count = 0;
      let ended = false;
      const notify = () => {
        for (const watcher of [...watchers]) watcher();
      };
      const parser = createParser({
        onEvent: (message) => {
          count++;
          if (!retain) events.length = 0;
          events.push({ id: message.id, event: message.event, data: message.data });
        },
        onRetry: (ms) => retries.push(ms),
        onComment: (comment) => {
          const position = positionOf(comment);
          if (position === undefined) comments.push(comment);
          else positions.push(position);
        },
      });
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        if (retain) body += chunk;
        parser.feed(chunk);
        notify();
      });
      let markEnded!: () => void;
      const endedPromise = new Promise<void>((done) => {
        markEnded = done;
      });
      const finish = () => {
        if (ended) return;
        ended = true;
        markEnded();
        notify();
      };
      res.on('end', finish);
      res.on('close', finish);
      res.on('error', finish);
      const when = (check: () => boolean, label: string, waitMs = 10_000) =>
        new Promise<void>((done, fail) => {
          if (check()) return done();
          const watcher = () => {
            if (check()) {
              cleanup();
              done();
            } else if (ended) {
              cleanup();
              fail(new Error(`stream ended before: ${label}`));
            }
          };
          const limit = setTimeout(() => {
            cleanup();
            fail(new Error(`timed out after ${waitMs} ms waiting for: ${label} (events: ${events.length})`));
          }, waitMs);
          const cleanup = () => {
            clearTimeout(limit);
            watchers.delete(watcher);
          };
          watchers.add(watcher);
        });
      const close = () => {
        req.destroy();
        res.destroy();
      };
      resolve({
        status: res.statusCode ?? 0,
        headers: res.headers,
        events,
        retries,
        comments,
        positions,
        count: () => count,
        body: () => body,
        until: async (wanted, waitMs) => {
          await when(() => count >= wanted, `${wanted} events`, waitMs);
          return events;
        },
        when,
        ended: endedPromise,
        isEnded: () => ended,
        close,
        [Symbol.asyncDispose]: async () => {
          close();
          await endedPromise;
        },
      });
    });
    req.end();
  });
}
