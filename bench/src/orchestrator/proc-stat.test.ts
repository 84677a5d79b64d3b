import { describe, expect, it } from 'vitest';
import { cpuMsOf, parseCpuTicks, parseRssBytes, rssOf } from './proc-stat.ts';

describe('parseCpuTicks', () => {
  it('adds utime and stime (fields 14 and 15)', () => {
    const stat =
      '6486 (node) R 6484 6484 25128 0 -1 4194304 100 0 0 0 250 37 0 0 20 0 1 0 838292 3133440 416';
    expect(parseCpuTicks(stat)).toBe(287);
  });

  it('counts fields after the command name, which may hold spaces and parentheses', () => {
    const stat = '42 (a (b) c) S 1 42 42 0 -1 4194560 10 0 0 0 7 5 0 0 20 0 1 0 1 1 1';
    expect(parseCpuTicks(stat)).toBe(12);
  });

  it('is NaN for text that is not a stat line', () => {
    expect(parseCpuTicks('')).toBeNaN();
    expect(parseCpuTicks('1 (x) R')).toBeNaN();
  });
});

describe('parseRssBytes', () => {
  it('reads VmRSS in kB as bytes', () => {
    expect(parseRssBytes('Name:\tnode\nVmHWM:\t  9000 kB\nVmRSS:\t    1936 kB\nRssAnon:\t 100 kB\n')).toBe(
      1936 * 1024,
    );
  });

  it('is NaN without a VmRSS line', () => {
    expect(parseRssBytes('Name:\tnode\n')).toBeNaN();
  });
});

describe('reading /proc', () => {
  it('is NaN for a process that does not exist', () => {
    expect(cpuMsOf(2 ** 30)).toBeNaN();
    expect(rssOf(2 ** 30)).toBeNaN();
  });
});
