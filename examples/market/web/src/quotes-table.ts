import { formatChange, formatPrice, formatVolume, trendClass } from './format.ts';
import type { MarketShape } from './market.generated.ts';
import { createSparkline } from './sparkline.ts';

type Quote = MarketShape['ticker']['events']['quote'];

/** One symbol's row in the quotes table. */
export interface QuoteRow {
  readonly element: HTMLTableRowElement;
  /** Shows a new quote (and flashes the price up or down); `prices` feeds the sparkline. */
  update(quote: Quote, id: string, prices: readonly number[]): void;
  /** Shows or clears the halted badge. */
  setHalted(reason: string | null): void;
  setSelected(selected: boolean): void;
  remove(): void;
}

/** What the table calls back. */
export interface QuotesTableHandlers {
  onSelect(symbol: string): void;
  onRemove(symbol: string): void;
}

function cell(className: string, text = ''): HTMLTableCellElement {
  const td = document.createElement('td');
  td.className = className;
  td.textContent = text;
  return td;
}

/** Orders `<ms>-<seq>` event ids as pairs of integers. */
function isAfter(id: string, previous: string): boolean {
  const [ms = 0, seq = 0] = id.split('-').map(Number);
  const [pms = 0, pseq = 0] = previous.split('-').map(Number);
  return ms > pms || (ms === pms && seq > pseq);
}

function flash(element: HTMLElement, direction: 'up' | 'down' | 'flat'): void {
  if (direction === 'flat') return;
  element.classList.remove('flash-up', 'flash-down');
  void element.offsetWidth; // restart the CSS animation
  element.classList.add(direction === 'up' ? 'flash-up' : 'flash-down');
}

/** Creates a row for `symbol` at the end of `body`. */
export function createQuoteRow(
  body: HTMLTableSectionElement,
  symbol: string,
  handlers: QuotesTableHandlers,
): QuoteRow {
  const tr = document.createElement('tr');
  tr.dataset['symbol'] = symbol;
  tr.dataset['quotes'] = '0';
  tr.tabIndex = 0;
  const name = cell('symbol');
  const label = document.createElement('span');
  label.textContent = symbol;
  const badge = document.createElement('span');
  badge.className = 'badge halted';
  badge.textContent = 'Halted';
  badge.hidden = true;
  name.append(label, badge);
  const trend = cell('trend');
  const sparkline = createSparkline();
  trend.append(sparkline.element);
  const last = cell('num price', '—');
  const change = cell('num change', '—');
  const spread = cell('num spread', '—');
  const volume = cell('num volume', '—');
  const actions = cell('actions');
  const remove = document.createElement('button');
  remove.type = 'button';
  remove.className = 'icon-button';
  remove.title = `Stop watching ${symbol}`;
  remove.setAttribute('aria-label', `Remove ${symbol}`);
  remove.textContent = '×';
  actions.append(remove);
  tr.append(name, trend, last, change, spread, volume, actions);
  body.append(tr);

  tr.addEventListener('click', () => handlers.onSelect(symbol));
  tr.addEventListener('keydown', (event) => {
    if (event.key === 'Enter' || event.key === ' ') handlers.onSelect(symbol);
  });
  remove.addEventListener('click', (event) => {
    event.stopPropagation();
    handlers.onRemove(symbol);
  });

  let previous: number | null = null;
  let lastId: string | null = null;
  let count = 0;
  let outOfOrder = 0;
  return {
    element: tr,
    update(quote, id, prices) {
      count++;
      tr.dataset['quotes'] = String(count);
      // Resume must never repeat or reorder events; the end-to-end test reads this counter.
      if (lastId !== null && !isAfter(id, lastId)) tr.dataset['outOfOrder'] = String(++outOfOrder);
      lastId = id;
      tr.dataset['lastId'] = id;
      last.textContent = formatPrice(quote.price);
      if (previous !== null) flash(last, trendClass(quote.price - previous));
      previous = quote.price;
      change.textContent = formatChange(quote.change, quote.changePct);
      change.dataset['trend'] = trendClass(quote.change);
      spread.textContent = `${formatPrice(quote.bid)} × ${formatPrice(quote.ask)}`;
      volume.textContent = formatVolume(quote.volume);
      sparkline.update(prices);
    },
    setHalted(reason) {
      badge.hidden = reason === null;
      badge.title = reason ?? '';
      tr.classList.toggle('is-halted', reason !== null);
    },
    setSelected(selected) {
      tr.classList.toggle('is-selected', selected);
      tr.setAttribute('aria-selected', String(selected));
    },
    remove() {
      tr.remove();
    },
  };
}
