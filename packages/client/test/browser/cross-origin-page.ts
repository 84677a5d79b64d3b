// Runs in Chromium on one origin and subscribes to streams on another (the `streams` query param).
import { createMarketClient } from '../fixtures/market-client.ts';

/** What the page exposes to the test as `window.crossOrigin`. */
export interface CrossOriginState {
  opens: number;
  errors: string[];
  quotes: number[];
  /** Response headers a cross-origin script could read from a plain `fetch` of the stream. */
  readable: { heartbeat: string | null; retryAfter: string | null } | undefined;
}

const query = new URLSearchParams(location.search);
const streams = query.get('streams') ?? '';
const transport = query.get('transport') === 'eventsource' ? 'eventsource' : 'fetch';
const state: CrossOriginState = { opens: 0, errors: [], quotes: [], readable: undefined };
(globalThis as unknown as { crossOrigin: CrossOriginState }).crossOrigin = state;

// The eventsource transport sends cookies only (withCredentials): sign in to the stream origin
// first, which sets its session cookie. The fetch transport sends a bearer token.
if (transport === 'eventsource') await fetch(new URL('/login', streams), { credentials: 'include' });
const client =
  transport === 'eventsource'
    ? createMarketClient({ baseUrl: streams, transport, credentials: 'include' })
    : createMarketClient({ baseUrl: streams, headers: { authorization: 'Bearer token-ok' } });
const sub = client.ticker.subscribe({ symbol: 'ACME' });
sub.addEventListener('open', () => state.opens++);
sub.addEventListener('error', (e) => state.errors.push(e.error.message));
sub.addEventListener('quote', (e) => state.quotes.push(e.data.price));

/** Reads the headers the client depends on, as any script on this origin would. */
async function readHeaders(path: string): Promise<void> {
  const controller = new AbortController();
  const response = await fetch(`${streams}${path}`, {
    headers: { authorization: 'Bearer token-ok' },
    signal: controller.signal,
  });
  state.readable = {
    heartbeat: response.headers.get('x-tidings-heartbeat'),
    retryAfter: response.headers.get('retry-after'),
  };
  controller.abort();
}
(globalThis as unknown as { readHeaders: typeof readHeaders }).readHeaders = readHeaders;
