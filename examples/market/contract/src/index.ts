export type { Market } from './market.ts';
export { market } from './market.ts';
export type { BookLevel, Notice, Quote, Trade } from './schemas.ts';
export {
  bookLevelSchema,
  depthSchema,
  haltedSchema,
  noticeSchema,
  quoteSchema,
  resumedSchema,
  symbolParams,
  symbolSchema,
  tradeSchema,
} from './schemas.ts';
export { announcements, book, ticker } from './streams.ts';
