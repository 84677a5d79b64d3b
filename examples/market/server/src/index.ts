export type { FeedLeadership, FeedLeadershipOptions } from './feed-leader.ts';
export { createFeedLeadership } from './feed-leader.ts';
export type { MarketFeed, MarketFeedOptions } from './market-feed.ts';
export { createMarketFeed } from './market-feed.ts';
export type { MarketServer, MarketServerOptions } from './market-server.ts';
export { startMarketServer } from './market-server.ts';
export type { FeedEvent, MarketSimulator, MarketSimulatorOptions } from './market-simulator.ts';
export { createMarketSimulator, MARKET_SYMBOLS } from './market-simulator.ts';
