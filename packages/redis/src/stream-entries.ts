import type { StoredEvent } from '@tidings/server';

/** Turns `XRANGE` / `XREVRANGE` replies (`[id, [field, value, …]]`) into events, skipping malformed entries. */
export function parseEntries(reply: unknown): StoredEvent[] {
  const events: StoredEvent[] = [];
  if (!Array.isArray(reply)) return events;
  for (const entry of reply as unknown[]) {
    if (!Array.isArray(entry)) continue;
    const [id, fields] = entry as [unknown, unknown];
    if (typeof id !== 'string' || !Array.isArray(fields)) continue;
    let name: string | undefined;
    let data: string | undefined;
    for (let i = 0; i + 1 < fields.length; i += 2) {
      const field: unknown = fields[i];
      const value: unknown = fields[i + 1];
      if (typeof value !== 'string') continue;
      if (field === 'n') name = value;
      else if (field === 'd') data = value;
    }
    if (name !== undefined && data !== undefined) events.push({ id, name, data });
  }
  return events;
}
