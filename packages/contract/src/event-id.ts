/** An event id as a pair of integers: milliseconds and a sequence within that millisecond. */
export interface ParsedEventId {
  readonly ms: number;
  readonly seq: number;
}

const ID = /^(0|[1-9][0-9]{0,15})-(0|[1-9][0-9]{0,15})$/;
const MAX_ID_LENGTH = 33;

/**
 * Parses `<ms>-<seq>` (plain decimals, no larger than `Number.MAX_SAFE_INTEGER`).
 * Anything else, of any size, gives `null`; it never throws.
 */
export function parseEventId(value: unknown): ParsedEventId | null {
  if (typeof value !== 'string' || value.length > MAX_ID_LENGTH) return null;
  const match = ID.exec(value);
  if (!match) return null;
  const ms = Number(match[1]);
  const seq = Number(match[2]);
  if (ms > Number.MAX_SAFE_INTEGER || seq > Number.MAX_SAFE_INTEGER) return null;
  return { ms, seq };
}

/** Writes a parsed id back as `<ms>-<seq>`. */
export function formatEventId(id: ParsedEventId): string {
  return `${id.ms}-${id.seq}`;
}

/** Orders two parsed ids: negative, zero or positive. */
export function compareParsedIds(a: ParsedEventId, b: ParsedEventId): number {
  return a.ms === b.ms ? a.seq - b.seq : a.ms - b.ms;
}

/** Orders two id strings as pairs of integers; `null` when either is not a valid id. */
export function compareEventIds(a: string, b: string): number | null {
  const pa = parseEventId(a);
  const pb = parseEventId(b);
  if (!pa || !pb) return null;
  return Math.sign(compareParsedIds(pa, pb));
}

/** Makes strictly increasing ids from a clock, even when the clock steps back or stalls. */
export interface EventIdGenerator {
  next(now?: number): string;
  /** The last id issued, if any. */
  readonly last: ParsedEventId | null;
}

/**
 * Creates a generator of strictly increasing `<ms>-<seq>` ids, optionally continuing after `after`.
 * @example
 * const ids = createEventIdGenerator();
 * ids.next(); // '1700000000000-0'
 */
export function createEventIdGenerator(after?: ParsedEventId | null): EventIdGenerator {
  let ms = after?.ms ?? -1;
  let seq = after?.seq ?? 0;
  return {
    next(now = Date.now()) {
      // A clock that is not a whole number of ms ≥ 0 (NaN, -1, 1.5) reads as 0: the ids still increase.
      const clock = Number.isSafeInteger(now) && now >= 0 ? now : 0;
      if (clock > ms) {
        ms = clock;
        seq = 0;
      } else {
        seq++;
      }
      return `${ms}-${seq}`;
    },
    get last() {
      return ms < 0 ? null : { ms, seq };
    },
  };
}
