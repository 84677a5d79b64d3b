import type { Market } from '@acme/market-contract';
import type { EventInputsOf } from '@tidings/contract';
import { createRandom } from './random.ts';

type TickerInputs = EventInputsOf<Market, 'ticker'>;
type BookInputs = EventInputsOf<Market, 'book'>;
type AnnouncementInputs = EventInputsOf<Market, 'announcements'>;

/** One event the simulator wants emitted, tagged with its stream (and symbol). */
export type FeedEvent =
  | {
      [TEvent in keyof TickerInputs]: {
        stream: 'ticker';
        symbol: string;
        event: TEvent;
        data: TickerInputs[TEvent];
      };
    }[keyof TickerInputs]
  | { stream: 'book'; symbol: string; event: 'depth'; data: BookInputs['depth'] }
  | { stream: 'announcements'; event: 'notice'; data: AnnouncementInputs['notice'] };

/** The simulated symbols and their opening prices. */
export const MARKET_SYMBOLS: Readonly<Record<string, number>> = {
  ACME: 142.5,
  NOVA: 38.2,
  ORBIT: 211.75,
  QUILL: 12.4,
  ZEPHR: 87.1,
  HALO: 64.3,
};

/** What `createMarketSimulator` takes. */
export interface MarketSimulatorOptions {
  /**
   * Symbol → opening price.
   * @default MARKET_SYMBOLS
   */
  symbols?: Readonly<Record<string, number>> | undefined;
  /**
   * Seed of the random walk; the same seed and clock give the same events.
   * @default Date.now()
   */
  seed?: number | undefined;
  /**
   * Chance per symbol per tick that trading halts.
   * @default 0.0015
   */
  haltChance?: number | undefined;
  /**
   * Chance per tick of a market-wide announcement.
   * @default 0.025
   */
  noticeChance?: number | undefined;
}

/** A random-walk market: call `tick` on a timer and emit what it returns. */
export interface MarketSimulator {
  /** Advances the market to `now` (ms since the epoch) and returns the events to emit, in order. */
  tick(now: number): FeedEvent[];
  /** Continues a symbol from its last quote (a restarted or newly elected feed picks up where the last left off). */
  restore(symbol: string, last: { price: number; change: number; volume: number }): void;
  /** The symbols it simulates. */
  readonly symbols: readonly string[];
}

interface SymbolState {
  readonly symbol: string;
  open: number;
  price: number;
  volume: number;
  resumeAt: number | null;
}

const HALT_REASONS = ['Volatility pause (limit up/limit down)', 'News pending', 'Order imbalance'];
const HEADLINES = [
  (s: string) => `${s} reports quarterly earnings above estimates`,
  (s: string) => `${s} announces a share buyback`,
  (s: string) => `${s} names a new chief executive`,
  (s: string) => `Analysts upgrade ${s} to buy`,
  (s: string) => `${s} guides revenue lower for next quarter`,
];
const MARKET_NOTES = [
  'Reminder: the closing auction starts in 10 minutes',
  'Market data latency is back to normal',
  'Index rebalance takes effect at the close',
];

const cents = (value: number): number => Math.round(value * 100) / 100;

/** Creates a seeded random-walk market for a few symbols, with trades, order books, halts and news. */
export function createMarketSimulator(options: MarketSimulatorOptions = {}): MarketSimulator {
  const random = createRandom(options.seed ?? Date.now());
  const haltChance = options.haltChance ?? 0.0015;
  const noticeChance = options.noticeChance ?? 0.025;
  const states: SymbolState[] = Object.entries(options.symbols ?? MARKET_SYMBOLS).map(([symbol, open]) => ({
    symbol,
    open,
    price: open,
    volume: 0,
    resumeAt: null,
  }));

  function step(state: SymbolState, at: string, out: FeedEvent[]): void {
    const { symbol } = state;
    state.price = Math.max(0.01, cents(state.price * Math.exp(0.0015 * random.gaussian())));
    const spread = Math.max(0.01, cents(state.price * 0.0004));
    const bid = Math.max(0.01, cents(state.price - spread / 2));
    const ask = cents(bid + spread);
    if (random.next() < 0.4) {
      const size = random.int(1, 50) * 10;
      state.volume += size;
      const side = random.next() < 0.5 ? 'buy' : 'sell';
      out.push({ stream: 'ticker', symbol, event: 'trade', data: { price: state.price, size, side, at } });
    }
    const change = cents(state.price - state.open);
    const changePct = Math.round((change / state.open) * 10_000) / 100;
    out.push({
      stream: 'ticker',
      symbol,
      event: 'quote',
      data: { price: state.price, bid, ask, change, changePct, volume: state.volume, at },
    });
    const level = (from: number, direction: 1 | -1, index: number) => ({
      price: Math.max(0.01, cents(from + direction * index * spread)),
      size: random.int(1, 40) * 100,
    });
    out.push({
      stream: 'book',
      symbol,
      event: 'depth',
      data: {
        bids: [0, 1, 2, 3, 4].map((i) => level(bid, -1, i)),
        asks: [0, 1, 2, 3, 4].map((i) => level(ask, 1, i)),
        at,
      },
    });
  }

  return {
    symbols: states.map((state) => state.symbol),
    restore(symbol, last) {
      const state = states.find((s) => s.symbol === symbol);
      if (!state || !(last.price > 0)) return;
      state.price = last.price;
      state.open = Math.max(0.01, cents(last.price - last.change));
      state.volume = last.volume;
    },
    tick(now) {
      const at = new Date(now).toISOString();
      const out: FeedEvent[] = [];
      for (const state of states) {
        if (state.resumeAt !== null) {
          if (now < state.resumeAt) continue;
          state.resumeAt = null;
          out.push({
            stream: 'ticker',
            symbol: state.symbol,
            event: 'resumed',
            data: { price: state.price, at },
          });
        } else if (random.next() < haltChance) {
          const reason = random.pick(HALT_REASONS);
          state.resumeAt = now + random.int(3_000, 8_000);
          out.push({ stream: 'ticker', symbol: state.symbol, event: 'halted', data: { reason, at } });
          out.push({
            stream: 'announcements',
            event: 'notice',
            data: {
              text: `Trading in ${state.symbol} halted: ${reason}`,
              severity: 'warning',
              symbols: [state.symbol],
              at,
            },
          });
          continue;
        }
        step(state, at, out);
      }
      if (states.length > 0 && random.next() < noticeChance) {
        if (random.next() < 0.7) {
          const state = random.pick(states);
          const text = random.pick(HEADLINES)(state.symbol);
          out.push({ stream: 'announcements', event: 'notice', data: { text, symbols: [state.symbol], at } });
        } else {
          out.push({
            stream: 'announcements',
            event: 'notice',
            data: { text: random.pick(MARKET_NOTES), at },
          });
        }
      }
      return out;
    },
  };
}
