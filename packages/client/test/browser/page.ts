// Runs in Chromium: subscribes with the transport named in the URL and records what arrives.
import { createMarketClient } from '../fixtures/market-client.ts';

/** What the page exposes to the test as `window.tidings`. */
export interface PageState {
  transport: string;
  opens: number;
  errors: string[];
  quotes: { price: number; id: string }[];
}

const transport =
  new URLSearchParams(location.search).get('transport') === 'eventsource' ? 'eventsource' : 'fetch';
const state: PageState = { transport, opens: 0, errors: [], quotes: [] };
(globalThis as unknown as { tidings: PageState }).tidings = state;

const client = createMarketClient({
  baseUrl: '/streams',
  transport,
  reconnect: { initialDelayMs: 20, maxDelayMs: 200 },
});
const sub = client.ticker.subscribe({ symbol: 'ACME' });
sub.addEventListener('open', () => state.opens++);
sub.addEventListener('error', (e) => state.errors.push(e.error.message));
sub.addEventListener('quote', (e) => state.quotes.push({ price: e.data.price, id: e.id }));
