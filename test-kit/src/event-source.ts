import { EventSource } from 'eventsource';
import { changes } from './wait.ts';

/** One message an `EventSource` dispatched. */
export interface ReceivedEvent {
  readonly type: string;
  readonly id: string;
  readonly data: string;
}

/** A WHATWG `EventSource` (the `eventsource` package) that records what it receives, closed on dispose. */
export interface EventSourceClient extends AsyncDisposable, Disposable {
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

/** What `eventSourceClient` listens for and sends. */
export interface EventSourceClientOptions {
  /** Event names to listen for (besides `message`). */
  readonly types: readonly string[];
  /**
   * Sent as `Last-Event-ID` on the first request, as a client resuming on another instance would.
   * @default none
   */
  readonly lastEventId?: string | undefined;
}

/** Opens an `EventSource` on `url` that records every event of `options.types`. */
export function eventSourceClient(url: string, options: EventSourceClientOptions): EventSourceClient {
  const events: ReceivedEvent[] = [];
  const changed = changes();
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
  for (const type of ['message', ...options.types]) {
    source.addEventListener(type, (event) => {
      events.push({ type, id: event.lastEventId, data: event.data });
      changed.notify();
    });
  }
  source.addEventListener('open', () => {
    opens++;
    changed.notify();
  });
  source.addEventListener('error', () => {
    errors++;
    changed.notify();
  });
  const until = (check: () => boolean, label: string, timeoutMs = 15_000): Promise<void> =>
    changed.until(check, () => `${label} (${events.length} events, ${errors} errors)`, timeoutMs);
  return {
    source,
    events,
    get errors() {
      return errors;
    },
    get opens() {
      return opens;
    },
    opened: (timeoutMs) => until(() => opens > 0, `${url} to open`, timeoutMs),
    until: (check, label, timeoutMs) => until(() => check(events), label, timeoutMs),
    [Symbol.dispose]() {
      source.close();
    },
    async [Symbol.asyncDispose]() {
      source.close();
    },
  };
}
