import { EventSource } from 'eventsource';

/** One message an `EventSource` dispatched. */
export interface ReceivedEvent {
  readonly type: string;
  readonly id: string;
  readonly data: string;
}

/** An `EventSource` (the `eventsource` package) that records what it receives, closed by `await using`. */
export interface EventSourceClient extends AsyncDisposable {
  readonly source: EventSource;
  readonly events: ReceivedEvent[];
  /** `error` events dispatched (each one is a reconnect, or the end). */
  readonly errors: number;
  /** How many times the stream opened. */
  readonly opens: number;
  /** Resolves once the stream is open. */
  opened(timeoutMs?: number): Promise<void>;
  /** Resolves once `check` holds, re-checked on every message; rejects after `timeoutMs`. */
  until(
    check: (events: readonly ReceivedEvent[]) => boolean,
    label: string,
    timeoutMs?: number,
  ): Promise<void>;
}

export interface EventSourceClientOptions {
  /** Event names to listen for (besides `message`). */
  readonly types: readonly string[];
  /** Sent as `Last-Event-ID` on the first request, as a client resuming on another instance would. */
  readonly lastEventId?: string | undefined;
}

export function eventSourceClient(url: string, options: EventSourceClientOptions): EventSourceClient {
  const events: ReceivedEvent[] = [];
  const watchers = new Set<() => void>();
  let errors = 0;
  let opens = 0;
  let first = true;
  const source = new EventSource(url, {
    fetch: (input, init) => {
      const headers = new Headers(init?.headers);
      if (first && options.lastEventId !== undefined) headers.set('last-event-id', options.lastEventId);
      first = false;
      return fetch(input, { ...init, headers });
    },
  });
  const notify = (): void => {
    for (const watcher of [...watchers]) watcher();
  };
  for (const type of ['message', ...options.types]) {
    source.addEventListener(type, (event) => {
      events.push({ type, id: event.lastEventId, data: event.data });
      notify();
    });
  }
  source.addEventListener('open', () => {
    opens++;
    notify();
  });
  source.addEventListener('error', () => {
    errors++;
    notify();
  });
  const until = (check: () => boolean, label: string, timeoutMs = 15_000): Promise<void> =>
    new Promise((resolve, reject) => {
      if (check()) return resolve();
      const watcher = (): void => {
        if (!check()) return;
        cleanup();
        resolve();
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(new Error(`timed out after ${timeoutMs} ms waiting for ${label} (${events.length} events)`));
      }, timeoutMs);
      const cleanup = (): void => {
        clearTimeout(timer);
        watchers.delete(watcher);
      };
      watchers.add(watcher);
    });
  return {
    source,
    events,
    get errors() {
      return errors;
    },
    get opens() {
      return opens;
    },
    opened: (timeoutMs) => until(() => opens > 0, 'the stream to open', timeoutMs),
    until: (check, label, timeoutMs) => until(() => check(events), label, timeoutMs),
    async [Symbol.asyncDispose]() {
      source.close();
    },
  };
}
