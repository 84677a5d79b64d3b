import { TS_MARKER } from '../shared/payload.ts';

const MARKER = Buffer.from(TS_MARKER, 'latin1');
const EMPTY = Buffer.alloc(0);
const DIGIT_0 = 0x30;
const DIGIT_9 = 0x39;
const DOT = 0x2e;

/**
 * Reads the decimal number (digits with an optional fraction, as `JSON.stringify` writes a
 * timestamp) that starts at `start`; NaN when the buffer ends before the number does, or when
 * there is no number there.
 */
export function readDecimal(buf: Buffer, start: number): number {
  let i = start;
  let mantissa = 0;
  let digits = 0;
  let divisor = 1;
  while (i < buf.length) {
    const c = buf[i]!;
    if (c < DIGIT_0 || c > DIGIT_9) break;
    mantissa = mantissa * 10 + (c - DIGIT_0);
    digits++;
    i++;
  }
  if (i < buf.length && buf[i] === DOT) {
    i++;
    while (i < buf.length) {
      const c = buf[i]!;
      if (c < DIGIT_0 || c > DIGIT_9) break;
      mantissa = mantissa * 10 + (c - DIGIT_0);
      divisor *= 10;
      digits++;
      i++;
    }
  }
  if (digits === 0 || i >= buf.length) return Number.NaN;
  return mantissa / divisor;
}

/** Receives event latencies while `active` (a flag, so counting alone costs no parsing). */
export interface TimestampSampler {
  active: boolean;
  /** The receive time, on the same clock as the timestamps (read once per chunk). */
  now(): number;
  record(latencyMs: number): void;
}

const KEEP = MARKER.length - 1;

/** The longest end of `buf[from..]` that could begin a marker (a proper prefix of it), copied; empty if none. */
function markerStartAtEnd(buf: Buffer, from: number): Buffer {
  for (let len = Math.min(KEEP, buf.length - from); len > 0; len--) {
    if (buf.compare(MARKER, 0, len, buf.length - len, buf.length) === 0) {
      return Buffer.from(buf.subarray(buf.length - len));
    }
  }
  return EMPTY;
}

/**
 * Counts events in an SSE byte stream by their one-per-event timestamp marker, across chunk
 * boundaries, and hands each event's latency to `sampler` while it is active. It does not parse
 * frames: counting a marker is all a load generator at hundreds of thousands of events per
 * second can afford, and it is exact because the marker occurs once per payload and nowhere else.
 * Chunks may live in a buffer that is reused afterwards: nothing of them is kept without a copy.
 */
export class EventScanner {
  /** Events seen so far. */
  count = 0;
  /** Timestamps that could not be read because a chunk boundary cut them (counted, not sampled). */
  unsampled = 0;
  private tail: Buffer = EMPTY;
  private now = -1;
  private readonly sampler: TimestampSampler | undefined;

  constructor(sampler?: TimestampSampler) {
    this.sampler = sampler;
  }

  /** Scans the next chunk of the body. */
  push(chunk: Buffer): void {
    this.now = -1;
    let from = 0;
    if (this.tail.length > 0) {
      // A marker cut by the previous boundary straddles it: the tail alone is too short to hold one.
      const joined = Buffer.concat([this.tail, chunk.subarray(0, KEEP)]);
      const at = joined.indexOf(MARKER);
      if (at !== -1) {
        from = at + MARKER.length - this.tail.length;
        this.found(chunk, from);
      } else if (chunk.length < KEEP) {
        // Too short to hold a marker itself; what may begin one now spans both.
        this.tail = markerStartAtEnd(joined, 0);
        return;
      }
    }
    let at = chunk.indexOf(MARKER, from);
    while (at !== -1) {
      from = at + MARKER.length;
      this.found(chunk, from);
      at = chunk.indexOf(MARKER, from);
    }
    this.tail = markerStartAtEnd(chunk, from);
  }

  private found(chunk: Buffer, numberAt: number): void {
    this.count++;
    const sampler = this.sampler;
    if (!sampler?.active) return;
    const ts = readDecimal(chunk, numberAt);
    if (Number.isNaN(ts)) {
      this.unsampled++;
      return;
    }
    if (this.now < 0) this.now = sampler.now();
    sampler.record(this.now - ts);
  }
}
