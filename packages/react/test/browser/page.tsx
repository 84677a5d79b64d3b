// Runs in Chromium: mounts (or hydrates) the test app and hands the test its controls as `window.harness`.
import { StrictMode, useLayoutEffect, useState } from 'react';
import { createRoot, hydrateRoot } from 'react-dom/client';
import { createMarketClient } from '../fixtures/market.generated.ts';
import { App, type AppProbe } from './app.tsx';

/** What the page exposes to the test. */
export interface Harness extends AppProbe {
  /** Calls of `client.ticker.subscribe` (each opens a connection). */
  subscribeCalls: number;
  /** Errors React recovered from (a hydration mismatch among them). */
  recoverableErrors: string[];
  setSymbol(symbol: string): void;
  setMounted(mounted: boolean): void;
  /** Re-renders the app with new params objects of equal value. */
  rerender(): void;
}

const search = new URLSearchParams(location.search);
const client = createMarketClient({
  baseUrl: '/streams',
  reconnect: { initialDelayMs: 20, maxDelayMs: 200 },
});
const harness: Harness = {
  statuses: [],
  onEvent: [],
  committedTick: -1,
  subscribeCalls: 0,
  recoverableErrors: [],
  setSymbol: () => {},
  setMounted: () => {},
  rerender: () => {},
};
(globalThis as unknown as { harness: Harness }).harness = harness;

// The real client, with its ticker's `subscribe` calls counted.
const subscribe = client.ticker.subscribe;
const counted = {
  ticker: {
    subscribe: (...args: Parameters<typeof subscribe>) => {
      harness.subscribeCalls++;
      return subscribe(...args);
    },
  },
  announcements: client.announcements,
};

function Root() {
  const [symbol, setSymbol] = useState(search.get('symbol') ?? 'ACME');
  const [mounted, setMounted] = useState(true);
  const [tick, setTick] = useState(0);
  useLayoutEffect(() => {
    harness.setSymbol = setSymbol;
    harness.setMounted = setMounted;
    harness.rerender = () => setTick((n) => n + 1);
  }, []);
  return <App client={counted} symbol={symbol} mounted={mounted} tick={tick} probe={harness} />;
}

const container = document.getElementById('root')!;
const app = search.has('strict') ? (
  <StrictMode>
    <Root />
  </StrictMode>
) : (
  <Root />
);
if (search.has('hydrate')) {
  hydrateRoot(container, app, {
    onRecoverableError: (error) => harness.recoverableErrors.push(String(error)),
  });
} else {
  createRoot(container).render(app);
}
