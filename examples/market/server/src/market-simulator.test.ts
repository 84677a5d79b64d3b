import { market } from '@acme/market-contract';
import { type EventSchemas, validateWith } from '@tidings/contract';
import { describe, expect, test } from 'vitest';
import { createMarketSimulator, type FeedEvent, MARKET_SYMBOLS } from './market-simulator.ts';

const START = Date.parse('2026-01-05T14:30:00.000Z');

function run(seed: number, ticks: number, haltChance?: number): FeedEvent[] {
  const simulator = createMarketSimulator({ seed, haltChance, noticeChance: 0.2 });
  const out: FeedEvent[] = [];
  for (let i = 0; i < ticks; i++) out.push(...simulator.tick(START + i * 250));
  return out;
}

describe('createMarketSimulator', () => {
  test('every event it produces is valid for the market contract', () => {
    const events = run(7, 400, 0.01);
    const names = new Set(events.map((e) => `${e.stream}.${e.event}`));
    expect([...names].sort()).toEqual([
      'announcements.notice',
      'book.depth',
      'ticker.halted',
      'ticker.quote',
      'ticker.resumed',
      'ticker.trade',
    ]);
    for (const e of events) {
      const schema = (market.streams[e.stream].events as EventSchemas)[e.event]!;
      const outcome = validateWith(schema, e.data);
      expect(outcome, `${e.stream}.${e.event} ${JSON.stringify(e.data)}`).toMatchObject({ ok: true });
    }
  });

  test('is deterministic for a seed and clock', () => {
    expect(run(42, 50)).toEqual(run(42, 50));
    expect(run(42, 50)).not.toEqual(run(43, 50));
  });

  test('quotes keep a positive price and a bid below the ask', () => {
    for (const e of run(3, 500)) {
      if (e.event !== 'quote') continue;
      expect(e.data.price).toBeGreaterThan(0);
      expect(e.data.bid).toBeLessThan(e.data.ask);
    }
  });

  test('a halted symbol sends nothing until it resumes, then quotes again', () => {
    const events = run(11, 600, 0.02);
    const halted = new Set<string>();
    let halts = 0;
    let resumes = 0;
    for (const e of events) {
      if (e.stream === 'announcements') continue;
      if (e.event === 'halted') {
        expect(halted.has(e.symbol)).toBe(false);
        halted.add(e.symbol);
        halts++;
      } else if (e.event === 'resumed') {
        expect(halted.delete(e.symbol)).toBe(true);
        resumes++;
      } else {
        expect(halted.has(e.symbol), `${e.event} for halted ${e.symbol}`).toBe(false);
      }
    }
    expect(halts).toBeGreaterThan(0);
    expect(resumes).toBeGreaterThan(0);
  });

  test('simulates the default symbols', () => {
    expect(createMarketSimulator({ seed: 1 }).symbols).toEqual(Object.keys(MARKET_SYMBOLS));
  });
});
