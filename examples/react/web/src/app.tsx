import type { TidingsClient } from '@tidings/client';
import { useEvents, useLatest, useSubscription } from '@tidings/react';
import { useState } from 'react';
import { formatPercent, formatPrice, formatTime, polylinePoints } from './format.ts';
import type { MarketShape, TickerHaltedEvent } from './market.generated.ts';

/** The streams the page uses, from the generated client. */
export type MarketClient = Pick<TidingsClient<MarketShape>, 'ticker' | 'announcements'>;

/** Recent ticker events each symbol keeps: the sparkline, the chart and the tape read them. */
const HISTORY = 120;

const STATUS_LABEL = { idle: 'Paused', connecting: 'Connecting…', open: 'Live', closed: 'Offline' } as const;

/** The symbol's trading halt, if the latest `halted` came after the latest `resumed`. */
function useHalt(client: MarketClient, symbol: string): TickerHaltedEvent | undefined {
  const halted = useLatest(client.ticker, { symbol }, 'halted');
  const resumed = useLatest(client.ticker, { symbol }, 'resumed');
  return halted && (!resumed || resumed.at < halted.at) ? halted : undefined;
}

/** Quote prices among a symbol's recent events, oldest first. */
function useQuotePrices(client: MarketClient, symbol: string): number[] {
  const events = useEvents(client.ticker, { symbol }, { limit: HISTORY });
  return events.flatMap((event) => (event.type === 'quote' ? [event.data.price] : []));
}

function LiveBadge({ client }: { client: MarketClient }) {
  const { status } = useSubscription(client.announcements, undefined);
  return (
    <span className={`badge badge-${status}`} data-testid="connection-status" data-status={status}>
      {STATUS_LABEL[status]}
    </span>
  );
}

function Sparkline({ prices }: { prices: readonly number[] }) {
  const up = prices.length < 2 || prices[prices.length - 1]! >= prices[0]!;
  return (
    <svg
      className={`sparkline ${up ? 'up' : 'down'}`}
      viewBox="0 0 120 32"
      width="120"
      height="32"
      aria-hidden="true"
    >
      <polyline points={polylinePoints(prices, 120, 32)} />
    </svg>
  );
}

interface RowProps {
  client: MarketClient;
  symbol: string;
  selected: boolean;
  onSelect: (symbol: string) => void;
}

function QuoteRow({ client, symbol, selected, onSelect }: RowProps) {
  const { status } = useSubscription(client.ticker, { symbol });
  const quote = useLatest(client.ticker, { symbol }, 'quote');
  const halt = useHalt(client, symbol);
  const prices = useQuotePrices(client, symbol);
  const direction = quote && quote.change < 0 ? 'down' : 'up';
  return (
    <tr
      data-symbol={symbol}
      data-status={status}
      data-price={quote?.price}
      aria-selected={selected}
      className={selected ? 'selected' : undefined}
      onClick={() => onSelect(symbol)}
    >
      <th scope="row">
        <span className={`dot dot-${status}`} title={status} /> {symbol}
      </th>
      <td className="num">{quote ? formatPrice(quote.price) : '—'}</td>
      <td className={`num ${direction}`}>{quote ? formatPercent(quote.changePct) : ''}</td>
      <td>{halt ? <span className="halted">Halted</span> : <Sparkline prices={prices} />}</td>
    </tr>
  );
}

function SymbolPanel({ client, symbol }: { client: MarketClient; symbol: string }) {
  // The same stream and params as the symbol's row: these hooks share its subscription.
  const quote = useLatest(client.ticker, { symbol }, 'quote');
  const halt = useHalt(client, symbol);
  const events = useEvents(client.ticker, { symbol }, { limit: HISTORY });
  const prices = useQuotePrices(client, symbol);
  const trades = events.flatMap((event) => (event.type === 'trade' ? [{ id: event.id, ...event.data }] : []));
  return (
    <section className="card panel" data-testid="panel" data-symbol={symbol}>
      <header>
        <h2>{symbol}</h2>
        {quote && (
          <p className="quote">
            <strong>{formatPrice(quote.price)}</strong>
            <span className={quote.change < 0 ? 'down' : 'up'}>{formatPercent(quote.changePct)}</span>
            <span className="muted">
              bid {formatPrice(quote.bid)} · ask {formatPrice(quote.ask)} · vol{' '}
              {quote.volume.toLocaleString('en-US')}
            </span>
          </p>
        )}
      </header>
      {halt && (
        <p className="banner" role="status">
          Trading halted: {halt.reason}
        </p>
      )}
      <svg
        className="chart"
        viewBox="0 0 560 160"
        preserveAspectRatio="none"
        role="img"
        aria-label={`${symbol} price`}
      >
        <polyline points={polylinePoints(prices, 560, 160)} />
      </svg>
      <table className="tape">
        <caption>Trades</caption>
        <tbody>
          {trades
            .slice(-8)
            .reverse()
            .map((trade) => (
              <tr key={trade.id} className={trade.side === 'buy' ? 'up' : 'down'}>
                <td>{formatTime(trade.at)}</td>
                <td>{trade.side}</td>
                <td className="num">{trade.size}</td>
                <td className="num">{formatPrice(trade.price)}</td>
              </tr>
            ))}
        </tbody>
      </table>
    </section>
  );
}

function Announcements({ client }: { client: MarketClient }) {
  const notices = useEvents(client.announcements, undefined, { limit: 5 });
  return (
    <section className="card notices" data-testid="notices" data-count={notices.length}>
      <h2>Announcements</h2>
      {notices.length === 0 ? (
        <p className="muted">Nothing yet.</p>
      ) : (
        <ul>
          {[...notices].reverse().map((notice) => (
            <li key={notice.id} className={`severity-${notice.data.severity}`}>
              <time>{formatTime(notice.data.at)}</time> {notice.data.text}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

/** What the page needs: the client's streams and the watchlist. */
export interface MarketAppProps {
  client: MarketClient;
  symbols: readonly string[];
}

/** The market page: a watchlist (one shared subscription per symbol), the selected symbol, the news. */
export function MarketApp({ client, symbols }: MarketAppProps) {
  const [selected, setSelected] = useState(symbols[0] ?? 'ACME');
  return (
    <div className="app">
      <header className="topbar">
        <h1>
          Market <span className="muted">React · @tidings/react</span>
        </h1>
        <LiveBadge client={client} />
      </header>
      <main className="layout">
        <section className="card watchlist">
          <h2>Watchlist</h2>
          <table>
            <tbody>
              {symbols.map((symbol) => (
                <QuoteRow
                  key={symbol}
                  client={client}
                  symbol={symbol}
                  selected={symbol === selected}
                  onSelect={setSelected}
                />
              ))}
            </tbody>
          </table>
        </section>
        <SymbolPanel client={client} symbol={selected} />
        <Announcements client={client} />
      </main>
    </div>
  );
}
