import { defineStream } from '@tidings/contract';
import {
  depthSchema,
  haltedSchema,
  noticeSchema,
  quoteSchema,
  resumedSchema,
  symbolParams,
  tradeSchema,
} from './schemas.ts';

/** Quotes, trades and trading halts for one symbol. */
export const ticker = defineStream({
  path: '/ticker/:symbol',
  params: symbolParams,
  events: {
    quote: quoteSchema,
    trade: tradeSchema,
    halted: haltedSchema,
    resumed: resumedSchema,
  },
  history: 500,
  description: 'Live quotes, trades and trading halts for one symbol',
});

/** The top of the order book for one symbol. */
export const book = defineStream({
  path: '/book/:symbol',
  params: symbolParams,
  events: { depth: depthSchema },
  history: 50,
  description: 'The top five levels of the order book for one symbol',
});

/** Market-wide announcements. */
export const announcements = defineStream({
  path: '/announcements',
  events: { notice: noticeSchema },
  history: 100,
  description: 'Market-wide announcements',
});
