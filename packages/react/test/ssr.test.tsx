import { createClient, type TidingsClient } from '@tidings/client';
import { createHub } from '@tidings/server';
import { market } from '@tidings/test-kit/contract';
import { serverResource } from '@tidings/test-kit/server';
import { StrictMode } from 'react';
import { renderToString } from 'react-dom/server';
import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest';
import { useEvents, useLatest, useSubscription } from '../src/index.ts';
import { subscriptionKey } from '../src/stable-key.ts';
import { acquireEntry, peekEntry } from '../src/subscription-store.ts';
import { App } from './browser/app.tsx';
import { createMarketClient, type MarketShape } from './fixtures/market.generated.ts';

const WAIT = { timeout: 10_000, interval: 10 };

/** A real client whose `subscribe` calls are counted, per stream. */
function counting(client: TidingsClient<MarketShape>) {
  const calls = { ticker: 0, announcements: 0 };
  const ticker = client.ticker.subscribe;
  const announcements = client.announcements.subscribe;
  return {
    calls,
    client: {
      ticker: {
        subscribe: (...args: Parameters<typeof ticker>) => {
          calls.ticker++;
          return ticker(...args);
        },
      },
      announcements: {
        subscribe: (...args: Parameters<typeof announcements>) => {
          calls.announcements++;
          return announcements(...args);
        },
      },
    },
  };
}

function Inferred({ client }: { client: TidingsClient<MarketShape> }) {
  const { status } = useSubscription(client.ticker, { symbol: 'ACME' });
  const notice = useLatest(client.announcements, undefined, 'notice');
  const rooms = useEvents(client.room, { room: 'lobby' }, { limit: 5 });
  return (
    <p>
      {status} / {notice?.text ?? 'no notice'} / {rooms.length} said
    </p>
  );
}

describe('server rendering (react-dom/server renderToString)', () => {
  const spies = {
    error: vi.spyOn(console, 'error'),
    warn: vi.spyOn(console, 'warn'),
  };
  beforeEach(() => {
    spies.error.mockClear();
    spies.warn.mockClear();
  });
  afterEach(() => {
    // React reports misuse (a hook on the server, a bad snapshot) on the console: none here.
    expect(spies.error).not.toHaveBeenCalled();
    expect(spies.warn).not.toHaveBeenCalled();
  });

  test('renders the initial state and opens no connection (StrictMode, a generated client)', async () => {
    await using server = await serverResource(createHub(market));
    using real = createMarketClient({ baseUrl: server.url });
    const { client, calls } = counting(real);
    const probe = { statuses: [], onEvent: [], committedTick: -1 };
    const html = renderToString(
      <StrictMode>
        <App client={client} symbol="ACME" mounted tick={0} probe={probe} />
      </StrictMode>,
    );
    expect(html).toContain('data-status="connecting"');
    expect(html).toContain('no quote yet');
    expect(html).toContain('data-count="0"');
    expect(html).toMatch(/data-testid="notices" data-status="idle"/);
    expect(calls).toEqual({ ticker: 0, announcements: 0 });
    // Effects never run on the server: no status was recorded, nothing holds a subscription.
    expect(probe.statuses).toEqual([]);
    expect(peekEntry(client.ticker, subscriptionKey({ symbol: 'ACME' }, undefined))).toBeUndefined();
    expect(server.requests()).toBe(0);
  });

  test('renders the initial state with an inferred client, for streams with and without params', async () => {
    await using server = await serverResource(createHub(market));
    using client = createClient(market, { baseUrl: server.url });
    expect(renderToString(<Inferred client={client} />)).toBe(
      '<p>connecting<!-- --> / <!-- -->no notice<!-- --> / <!-- -->0<!-- --> said</p>',
    );
    expect(peekEntry(client.ticker, subscriptionKey({ symbol: 'ACME' }, undefined))).toBeUndefined();
  });

  test('a subscription this process already holds does not leak into a server render', async () => {
    await using server = await serverResource(createHub(market));
    using client = createClient(market, { baseUrl: server.url });
    const key = subscriptionKey(undefined, undefined);
    const release = acquireEntry(client.announcements, key, () => client.announcements.subscribe(), {
      notify: () => {},
      onEvent: () => {},
      onGap: () => {},
      limit: () => 0,
    });
    try {
      await vi.waitFor(() => expect(peekEntry(client.announcements, key)?.state.status).toBe('open'), WAIT);
      await server.hub.streams.announcements.emit('notice', { text: 'held in this process' });
      await vi.waitFor(
        () => expect(peekEntry(client.announcements, key)?.latest.get('notice')).toBeDefined(),
        WAIT,
      );
      expect(renderToString(<Inferred client={client} />)).toContain(
        'connecting<!-- --> / <!-- -->no notice',
      );
    } finally {
      release();
    }
  });
});
