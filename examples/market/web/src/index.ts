export type { BundleOptions, MarketWebAssets } from './bundle.ts';
export { bundleMarketWeb } from './bundle.ts';
export type {
  AnnouncementsNoticeEvent,
  BookDepthEvent,
  MarketShape,
  TickerQuoteEvent,
  TickerTradeEvent,
} from './market.generated.ts';
export { createMarketClient, marketDescriptor } from './market.generated.ts';
export type { PageOptions } from './page.ts';
export { renderPage } from './page.ts';
