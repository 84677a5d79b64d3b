import { describe, expect, it } from 'vitest';
import { parseRedisInfo, redisUsage } from './redis-info.ts';

const INFO = [
  '# Memory',
  'used_memory:1024',
  'used_memory_rss:2097152',
  '',
  '# CPU',
  'used_cpu_sys:1.250000',
  'used_cpu_user:0.500000',
  'weird:a:b',
].join('\r\n');

describe('redisUsage', () => {
  it('reads CPU time and RSS from an INFO reply', () => {
    expect(redisUsage(INFO)).toEqual({ cpuMs: 1750, rssBytes: 2097152 });
  });

  it('keeps everything after the first colon of a value', () => {
    expect(parseRedisInfo(INFO).get('weird')).toBe('a:b');
  });

  it('is NaN for fields the reply lacks', () => {
    const usage = redisUsage('# Server\nredis_version:7.0.15\n');
    expect(usage.cpuMs).toBeNaN();
    expect(usage.rssBytes).toBeNaN();
  });
});
