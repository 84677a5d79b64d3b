/** The fields of a Redis `INFO` reply (`key:value` lines; section headers and blank lines skipped). */
export function parseRedisInfo(text: string): Map<string, string> {
  const fields = new Map<string, string>();
  for (const line of text.split(/\r?\n/)) {
    if (line === '' || line.startsWith('#')) continue;
    const at = line.indexOf(':');
    if (at > 0) fields.set(line.slice(0, at), line.slice(at + 1));
  }
  return fields;
}

/** What the scale run reads from Redis: its CPU time (user + system, ms) and its RSS (bytes). */
export interface RedisUsage {
  cpuMs: number;
  rssBytes: number;
}

/** `RedisUsage` from an `INFO` reply; NaN for a field it lacks. */
export function redisUsage(text: string): RedisUsage {
  const fields = parseRedisInfo(text);
  const num = (key: string): number => Number(fields.get(key) ?? Number.NaN);
  return {
    cpuMs: (num('used_cpu_user') + num('used_cpu_sys')) * 1000,
    rssBytes: num('used_memory_rss'),
  };
}
