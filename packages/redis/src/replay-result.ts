import { compareParsedIds, type ParsedEventId, parseEventId } from '@tidings/contract/wire';
import type { ReplayResult } from '@tidings/server';
import { parseEntries } from './stream-entries.ts';

function optionalId(value: unknown): ParsedEventId | null {
  return typeof value === 'string' ? parseEventId(value) : null;
}

function older(a: ParsedEventId, b: ParsedEventId | null): boolean {
  return b !== null && compareParsedIds(a, b) < 0;
}

/**
 * Decides the gap from what the replay script read (see DESIGN.md §2 Resume): the broker cannot
 * vouch for every event after `after` when they were trimmed or expired, or when `after` is newer
 * than anything the topic issued. `after: null` asks from the start of the topic's lifetime (a
 * subscription made before its first event): then only trimming is a gap.
 */
export function replayResult(after: ParsedEventId | null, reply: unknown): ReplayResult {
  const [first, last, length, oldest, newest, hidden, oldestVisible, entries] = Array.isArray(reply)
    ? (reply as unknown[])
    : [];
  const events = parseEntries(entries).reverse();
  const oldestAvailableId = typeof oldestVisible === 'string' ? oldestVisible : undefined;
  const lastId = optionalId(newest) ?? optionalId(last);
  // A topic that has issued nothing (or whose keys expired) cannot vouch for any id.
  if (lastId === null) return { events: [], gap: after !== null };
  if (after !== null && compareParsedIds(after, lastId) > 0)
    return { events: [], gap: true, oldestAvailableId };
  const oldestId = optionalId(oldest);
  if (length === 0 || oldestId === null) {
    // The stream itself is gone but its meta says what was issued.
    return { events: [], gap: after === null || compareParsedIds(after, lastId) !== 0 };
  }
  // Before the first id of this lifetime: earlier events expired, or the id is not this topic's.
  const firstId = optionalId(first) ?? oldestId;
  const trimmed = compareParsedIds(oldestId, firstId) !== 0;
  const hiddenId = optionalId(hidden);
  const gap =
    after === null
      ? trimmed || hiddenId !== null
      : older(after, firstId) || older(after, hiddenId) || (trimmed && older(after, oldestId));
  return { events, gap, oldestAvailableId };
}
