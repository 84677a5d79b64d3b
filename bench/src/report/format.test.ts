import { describe, expect, it } from 'vitest';
import { fmtCount, fmtPlural, fmtRatio, table } from './format.ts';

describe('table', () => {
  it('pads every column to its widest cell, as Biome formats markdown tables', () => {
    expect(table(['a', 'long header'], [['wide cell', 'x']])).toBe(
      ['| a         | long header |', '| --------- | ----------- |', '| wide cell | x           |'].join(
        '\n',
      ),
    );
  });

  it('escapes pipes inside cells', () => {
    expect(table(['h'], [['a|b']]).split('\n')[2]).toBe('| a\\|b |');
  });
});

describe('numbers', () => {
  it('abbreviates large rates and keeps small ratios readable', () => {
    expect(fmtCount(551_234)).toBe('551k');
    expect(fmtCount(1_534_000)).toBe('1.53M');
    expect(fmtCount(5_200)).toBe('5,200');
    expect(fmtRatio(0.0123)).toBe('0.012×');
    expect(fmtRatio(undefined)).toBe('—');
    expect(fmtRatio(Number.NaN)).toBe('—');
    expect(fmtRatio(Number.POSITIVE_INFINITY)).toBe('∞×');
  });

  it('puts a noun in the plural unless the count is 1', () => {
    expect(fmtPlural(1, 'export')).toBe('1 export');
    expect(fmtPlural(0, 'export')).toBe('0 exports');
    expect(fmtPlural(4_200, 'data point')).toBe('4,200 data points');
  });
});
