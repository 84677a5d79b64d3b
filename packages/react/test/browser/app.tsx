// The React app of the browser and SSR tests: three hooks on the ticker stream of a generated client.
import type { TidingsClient } from '@tidings/client';
import { useEffect } from 'react';
import { useEvents, useLatest, useSubscription } from '../../src/index.ts';
import type { MarketShape, TickerQuoteEvent } from '../fixtures/market.generated.ts';

type MarketClient = Pick<TidingsClient<MarketShape>, 'ticker' | 'announcements'>;

/** What the app reports to the test besides the DOM. */
export interface AppProbe {
  /** Every status `useSubscription` reported, consecutive repeats left out. */
  statuses: string[];
  /** Every event `onEvent` received, as `type:id`. */
  onEvent: string[];
  /** The `tick` of the last render whose effects ran (the hooks' subscriptions included). */
  committedTick: number;
}

/** What the test controls. */
export interface AppProps {
  client: MarketClient;
  symbol: string;
  /** Whether the ticker panel is mounted. */
  mounted: boolean;
  /** Re-renders with new (equal) params objects when it changes. */
  tick: number;
  probe: AppProbe;
}

function Status({ client, symbol, probe }: { client: MarketClient; symbol: string; probe: AppProbe }) {
  const { status, error } = useSubscription(
    client.ticker,
    { symbol },
    { onEvent: (event) => probe.onEvent.push(`${event.type}:${event.id}`) },
  );
  useEffect(() => {
    if (probe.statuses.at(-1) !== status) probe.statuses.push(status);
  }, [status, probe]);
  return (
    <p data-testid="status" data-status={status} data-error={error?.message ?? ''}>
      {symbol}: {status}
    </p>
  );
}

function Price({ quote }: { quote: TickerQuoteEvent | undefined }) {
  return <output data-testid="price">{quote ? quote.price.toFixed(2) : 'no quote yet'}</output>;
}

function LatestQuote({ client, params }: { client: MarketClient; params: { symbol: string } }) {
  // `params` is a new object on every render of the parent: compared by value, it does not resubscribe.
  return <Price quote={useLatest(client.ticker, params, 'quote')} />;
}

function Tape({ client, symbol }: { client: MarketClient; symbol: string }) {
  const events = useEvents(client.ticker, { symbol }, { limit: 50 });
  return (
    <ol data-testid="tape" data-count={events.length}>
      {events.map((event) => (
        <li key={event.id} data-id={event.id}>
          {event.type === 'quote' ? `quote ${event.data.price}` : `halted ${event.data.reason}`}
        </li>
      ))}
    </ol>
  );
}

function Notices({ client }: { client: MarketClient }) {
  const notice = useLatest(client.announcements, undefined, 'notice', { enabled: false });
  const state = useSubscription(client.announcements, undefined, { enabled: false });
  return (
    <p data-testid="notices" data-status={state.status}>
      {notice?.text ?? 'no notice'}
    </p>
  );
}

/** The app: a status line, the latest price and a tape, all on one shared subscription per symbol. */
export function App({ client, symbol, mounted, tick, probe }: AppProps) {
  // A parent's effects run after its children's: by now every hook below has (re)subscribed, or not.
  useEffect(() => {
    probe.committedTick = tick;
  });
  return (
    <main data-testid="app" data-tick={tick}>
      {mounted ? (
        <section>
          <Status client={client} symbol={symbol} probe={probe} />
          <LatestQuote client={client} params={{ symbol }} />
          <Tape client={client} symbol={symbol} />
        </section>
      ) : (
        <p data-testid="unmounted">unmounted</p>
      )}
      <Notices client={client} />
    </main>
  );
}
