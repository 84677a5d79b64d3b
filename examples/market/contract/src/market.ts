import { defineContract } from '@tidings/contract';
import { announcements, book, ticker } from './streams.ts';

/** The market contract: shared by the server, the terminal client and (through codegen) the web page. */
export const market = defineContract({ ticker, book, announcements });

/** The market contract's type. */
export type Market = typeof market;
