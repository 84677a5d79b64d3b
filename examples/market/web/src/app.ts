import { createConnectionStatus } from './connection-status.ts';
import { formatPrice, formatTime } from './format.ts';
import { createMarketClient, type MarketShape, marketDescriptor } from './market.generated.ts';
import { createAnnouncements, createGapNotice } from './notices.ts';
import { createPriceChart, type PricePoint } from './price-chart.ts';
import { createQuoteRow, type QuoteRow } from './quotes-table.ts';
import { initialSymbols, MAX_SYMBOLS, parseSymbol, saveSymbols } from './watchlist.ts';

type Trade = MarketShape['ticker']['events']['trade'];

interface Watched {
  readonly row: QuoteRow;
  readonly close: () => void;
  readonly points: PricePoint[];
  readonly trades: Trade[];
  halted: string | null;
}

const HISTORY_POINTS = 240;
const TAPE_LENGTH = 12;

const $ = <TElement extends Element>(selector: string): TElement => {
  const element = document.querySelector<TElement>(selector);
  if (!element) throw new Error(`market-web: the page has no ${selector}`);
  return element;
};

const client = createMarketClient({ baseUrl: new URL('/streams', window.location.href).href });
const status = createConnectionStatus($('[data-testid="connection-status"]'));
const gapNotice = createGapNotice($('[data-testid="gap-notice"]'));
const announcements = createAnnouncements($('#notices'));
const chart = createPriceChart($('#price-chart'));
const body = $<HTMLTableSectionElement>('#quotes-body');
const form = $<HTMLFormElement>('#add-symbol');
const input = $<HTMLInputElement>('#symbol-input');
const hint = $<HTMLElement>('#watchlist-hint');
const chartTitle = $<HTMLElement>('#chart-title');
const chartMeta = $<HTMLElement>('#chart-meta');
const tape = $<HTMLOListElement>('#tape');
const eventCount = $<HTMLElement>('#event-count');
$('#fingerprint').textContent = marketDescriptor.fingerprint;

const storage = (() => {
  try {
    return window.localStorage;
  } catch {
    return undefined;
  }
})();
const watched = new Map<string, Watched>();
let selected: string | null = null;
let events = 0;

function counted(): void {
  events++;
  eventCount.textContent = events.toLocaleString('en-US');
}

function renderSelection(): void {
  const view = selected === null ? undefined : watched.get(selected);
  chartTitle.textContent = selected ?? 'No symbol';
  for (const [symbol, w] of watched) w.row.setSelected(symbol === selected);
  if (!view) {
    chart.render({ points: [], halted: false });
    chartMeta.textContent = '';
    tape.replaceChildren();
    return;
  }
  chart.render({ points: view.points, halted: view.halted !== null });
  const prices = view.points.map((p) => p.price);
  chartMeta.textContent =
    prices.length > 0
      ? `High ${formatPrice(Math.max(...prices))} · Low ${formatPrice(Math.min(...prices))}`
      : '';
  tape.replaceChildren(
    ...view.trades.map((trade) => {
      const item = document.createElement('li');
      item.className = `trade ${trade.side}`;
      item.innerHTML =
        '<time></time><span class="side"></span><span class="num"></span><span class="num"></span>';
      const [time, side, size, price] = item.children;
      time!.textContent = formatTime(trade.at);
      side!.textContent = trade.side === 'buy' ? 'Buy' : 'Sell';
      size!.textContent = trade.size.toLocaleString('en-US');
      price!.textContent = formatPrice(trade.price);
      return item;
    }),
  );
}

function select(symbol: string | null): void {
  selected = symbol;
  renderSelection();
}

function updateHint(message?: string): void {
  hint.textContent =
    message ??
    (watched.size >= MAX_SYMBOLS
      ? `Up to ${MAX_SYMBOLS} symbols.`
      : 'Click a row to chart it. Each symbol is its own typed subscription; all of them share one connection.');
  hint.classList.toggle('is-error', message !== undefined);
}

function watch(symbol: string): void {
  const row = createQuoteRow(body, symbol, { onSelect: select, onRemove: unwatch });
  const sub = client.ticker.subscribe({ symbol });
  const view: Watched = { row, close: () => sub.close(), points: [], trades: [], halted: null };
  watched.set(symbol, view);
  const changed = () => {
    if (selected === symbol) renderSelection();
  };

  sub.addEventListener('quote', (e) => {
    counted();
    // A quote means the symbol trades: after a gap the `resumed` event may be among what was missed.
    if (view.halted !== null) {
      view.halted = null;
      row.setHalted(null);
    }
    view.points.push({ t: Date.parse(e.data.at), price: e.data.price });
    if (view.points.length > HISTORY_POINTS) view.points.splice(0, view.points.length - HISTORY_POINTS);
    row.update(
      e.data,
      e.id,
      view.points.slice(-60).map((p) => p.price),
    );
    changed();
  });
  sub.addEventListener('trade', (e) => {
    counted();
    view.trades.unshift(e.data);
    view.trades.length = Math.min(view.trades.length, TAPE_LENGTH);
    changed();
  });
  sub.addEventListener('halted', (e) => {
    counted();
    view.halted = e.data.reason;
    row.setHalted(e.data.reason);
    changed();
  });
  sub.addEventListener('resumed', () => {
    counted();
    view.halted = null;
    row.setHalted(null);
    changed();
  });
  // A gap without a position comes from a stream that had sent nothing yet: nothing on screen is stale.
  sub.addEventListener('gap', (e) => {
    if (e.lastEventId !== undefined) gapNotice.show(symbol, e.lastEventId, e.oldestAvailableId);
  });
  sub.addEventListener('close', (e) => {
    if (e.error) updateHint(`${symbol}: ${e.error.message}`);
  });
  status.track(`ticker:${symbol}`, sub);
  saveSymbols(storage, [...watched.keys()]);
  if (selected === null) select(symbol);
  updateHint();
}

function unwatch(symbol: string): void {
  const view = watched.get(symbol);
  if (!view) return;
  view.close();
  view.row.remove();
  watched.delete(symbol);
  status.untrack(`ticker:${symbol}`);
  saveSymbols(storage, [...watched.keys()]);
  if (selected === symbol) select(watched.keys().next().value ?? null);
  updateHint();
}

form.addEventListener('submit', (event) => {
  event.preventDefault();
  const parsed = parseSymbol(input.value);
  if (!parsed.ok) return updateHint(parsed.reason);
  if (watched.has(parsed.symbol)) return select(parsed.symbol);
  if (watched.size >= MAX_SYMBOLS)
    return updateHint(`Remove a symbol first: the watchlist holds ${MAX_SYMBOLS}.`);
  watch(parsed.symbol);
  select(parsed.symbol);
  input.value = '';
});

const news = client.announcements.subscribe();
news.addEventListener('notice', (e) => {
  counted();
  announcements.add(e.data);
});
news.addEventListener('gap', (e) => {
  if (e.lastEventId !== undefined) gapNotice.show('announcements', e.lastEventId, e.oldestAvailableId);
});
status.track('announcements', news);

for (const symbol of initialSymbols(window.location, storage)) watch(symbol);
updateHint();
