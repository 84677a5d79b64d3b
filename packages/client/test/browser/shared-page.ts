// Runs in Chromium: one of several tabs that share one connection (shareAcrossTabs).
import { createMarketClient } from '../fixtures/market-client.ts';

/** What the page exposes to the test as `window.shared`. */
export interface SharedState {
  opens: number;
  quotes: string[];
  gaps: number;
  errors: string[];
}

const state: SharedState = { opens: 0, quotes: [], gaps: 0, errors: [] };
(globalThis as unknown as { shared: SharedState }).shared = state;

const client = createMarketClient({
  baseUrl: '/streams',
  shareAcrossTabs: true,
  reconnect: { initialDelayMs: 20, maxDelayMs: 200 },
});
const sub = client.ticker.subscribe({ symbol: 'ACME' });
sub.addEventListener('open', () => state.opens++);
sub.addEventListener('quote', (e) => state.quotes.push(e.id));
sub.addEventListener('gap', () => state.gaps++);
sub.addEventListener('error', (e) => state.errors.push(e.error.message));
