/** One version of a market contract: which changes it has over the first one. */
export interface ContractVersion {
  price?: 'number' | 'string';
  venue?: true;
  halted?: true;
  news?: true;
}

/** The files of a contract package at `dir`: `index.ts` imports its schemas from `schemas.ts`. */
export function contractFiles(version: ContractVersion, dir = 'contract'): Record<string, string> {
  return {
    [`${dir}/package.json`]:
      '{ "name": "contract", "version": "1.0.0", "type": "module", "private": true }\n',
    [`${dir}/schemas.ts`]: [
      "import { z } from 'zod';",
      `export const quote = z.object({ price: z.${version.price ?? 'number'}(), at: z.string()${
        version.venue ? ', venue: z.string().optional()' : ''
      } });`,
      '',
    ].join('\n'),
    [`${dir}/index.ts`]: [
      "import { defineContract, defineStream } from '@tidings/contract';",
      "import { z } from 'zod';",
      "import { quote } from './schemas.ts';",
      'export const market = defineContract({',
      `  ticker: defineStream({ path: '/ticker/:symbol', events: { quote${
        version.halted ? ', halted: z.object({ reason: z.string() })' : ''
      } } }),`,
      ...(version.news
        ? ["  news: defineStream({ path: '/news', events: { item: z.object({ text: z.string() }) } }),"]
        : []),
      '});',
      '',
    ].join('\n'),
  };
}
