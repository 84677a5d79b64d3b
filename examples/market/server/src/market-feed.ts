import { type Market, market } from '@acme/market-contract';
import { type EventsOf, topicKey } from '@tidings/contract';
import type { Hub } from '@tidings/server';
import {
  createMarketSimulator,
  type FeedEvent,
  type MarketSimulator,
  type MarketSimulatorOptions,
} from './market-simulator.ts';

type TickerQuote = EventsOf<Market, 'ticker'>['quote'];

/** Options of `createMarketFeed`. */
export interface MarketFeedOptions extends MarketSimulatorOptions {
  /**
   * Time between two ticks of the simulated market.
   * @default 400
   */
  intervalMs?: number | undefined;
  /**
   * Called when an emit fails (the hub closed, Redis is down, …); the feed keeps ticking.
   * @default ignores the error
   */
  onError?: ((error: unknown) => void) | undefined;
}

/** A simulated market feed that emits through a hub on a timer. */
export interface MarketFeed extends Disposable {
  /** Starts ticking (again), first picking up each symbol's last price from the broker's history; a no-op while running. */
  start(): void;
  /** Stops ticking; events already handed to the hub still go out. */
  stop(): void;
  /** True while ticking. */
  readonly running: boolean;
  /** Ticks emitted so far. */
  readonly ticks: number;
  /** The symbols it simulates. */
  readonly symbols: readonly string[];
}

function emit(hub: Hub<Market>, e: FeedEvent): Promise<string> {
  switch (e.stream) {
    case 'announcements':
      return hub.streams.announcements.emit('notice', e.data);
    case 'book':
      return hub.streams.book.emit({ symbol: e.symbol }, 'depth', e.data);
    case 'ticker':
      switch (e.event) {
        case 'quote':
          return hub.streams.ticker.emit({ symbol: e.symbol }, 'quote', e.data);
        case 'trade':
          return hub.streams.ticker.emit({ symbol: e.symbol }, 'trade', e.data);
        case 'halted':
          return hub.streams.ticker.emit({ symbol: e.symbol }, 'halted', e.data);
        case 'resumed':
          return hub.streams.ticker.emit({ symbol: e.symbol }, 'resumed', e.data);
      }
  }
}

/** Reads each symbol's last quote from the broker, so prices continue where the previous feed left them. */
async function restore(hub: Hub<Market>, simulator: MarketSimulator): Promise<void> {
  await Promise.all(
    simulator.symbols.map(async (symbol) => {
      const topic = { key: topicKey('ticker', { symbol }), history: market.streams.ticker.history };
      const { events } = await hub.broker.replay(topic, '0-0');
      const last = events.findLast((event) => event.name === 'quote');
      if (last) simulator.restore(symbol, JSON.parse(last.data) as TickerQuote);
    }),
  );
}

/** Creates a feed that runs a `MarketSimulator` and emits what it produces; call `start()`. */
export function createMarketFeed(hub: Hub<Market>, options: MarketFeedOptions = {}): MarketFeed {
  const simulator = createMarketSimulator(options);
  const intervalMs = options.intervalMs ?? 400;
  const onError = options.onError ?? (() => {});
  let timer: NodeJS.Timeout | undefined;
  let active = false;
  let restored: Promise<void> | undefined;
  let ticks = 0;
  let inFlight = false;

  function tick(): void {
    // A slow broker must not pile up ticks: skip one while the previous is still being published.
    if (inFlight) return;
    inFlight = true;
    ticks++;
    // Emitting without awaiting each call lets the hub coalesce a tick's frames into one write per socket.
    const pending = simulator.tick(Date.now()).map((e) => emit(hub, e).catch(onError));
    void Promise.all(pending).finally(() => {
      inFlight = false;
    });
  }

  return {
    get running() {
      return active;
    },
    get ticks() {
      return ticks;
    },
    symbols: simulator.symbols,
    start() {
      if (active) return;
      active = true;
      restored ??= restore(hub, simulator).catch(onError);
      void restored.then(() => {
        if (!active || timer) return;
        tick();
        timer = setInterval(tick, intervalMs);
      });
    },
    stop() {
      active = false;
      clearInterval(timer);
      timer = undefined;
    },
    [Symbol.dispose]() {
      this.stop();
    },
  };
}
