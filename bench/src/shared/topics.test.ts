import { MULTIPLEX_PATH, SUBSCRIPTION_KEY, SUBSCRIPTIONS_QUERY } from '@tidings/contract/wire';
import { describe, expect, it } from 'vitest';
import { tickerParamsSchema } from './payload.ts';
import { multiplexEntries, multiplexPath, TOPIC_SYMBOLS, tickerPath } from './topics.ts';

describe('the topics of scenario G', () => {
  it('are ten distinct symbols the ticker params schema accepts', () => {
    expect(TOPIC_SYMBOLS).toHaveLength(10);
    expect(new Set(TOPIC_SYMBOLS).size).toBe(10);
    for (const symbol of TOPIC_SYMBOLS) expect(tickerParamsSchema.safeParse({ symbol }).success).toBe(true);
  });

  it('have one plain path each', () => {
    expect(tickerPath('/streams', 'AAA')).toBe('/streams/ticker/AAA');
  });
});

describe('multiplexPath', () => {
  it('carries every symbol as one entry of a URL-encoded JSON list, keyed by its symbol', () => {
    const path = multiplexPath('/streams', ['AAA', 'BBB']);
    const [route, query = ''] = path.split('?');
    expect(route).toBe(`/streams${MULTIPLEX_PATH}`);
    expect(query).not.toMatch(/[{}"[\]]/);
    const list = JSON.parse(new URLSearchParams(query).get(SUBSCRIPTIONS_QUERY) ?? 'null');
    expect(list).toEqual([
      { k: 'AAA', s: 'ticker', p: { symbol: 'AAA' } },
      { k: 'BBB', s: 'ticker', p: { symbol: 'BBB' } },
    ]);
  });

  it('gives every topic a valid, unique key', () => {
    const keys = multiplexEntries(TOPIC_SYMBOLS).map((entry) => entry.k);
    expect(new Set(keys).size).toBe(keys.length);
    for (const key of keys) expect(key).toMatch(SUBSCRIPTION_KEY);
  });
});
