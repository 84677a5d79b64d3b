import { describe, expect, it } from 'vitest';
import { pssFromRollup } from './proc-memory.ts';

describe('pssFromRollup', () => {
  it('reads the Pss line, not Pss_Anon or Pss_Dirty', () => {
    const text = [
      '556d97242000-7ffc6d664000 ---p 00000000 00:00 0    [rollup]',
      'Rss:                1728 kB',
      'Pss_Dirty:           112 kB',
      'Pss:                 213 kB',
      'Pss_Anon:            112 kB',
    ].join('\n');
    expect(pssFromRollup(text)).toBe(213 * 1024);
  });

  it('is NaN without one', () => {
    expect(pssFromRollup('Rss: 1 kB\n')).toBeNaN();
  });
});
