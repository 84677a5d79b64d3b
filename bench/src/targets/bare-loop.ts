import { encodeEvent } from '@tidings/contract/wire';
import { EVENT_NAME, makeQuote, monotonicMs, quoteSchema } from '../shared/payload.ts';

let sink = 0;

/**
 * The unavoidable work of one validated event, with nothing around it: build the payload,
 * zod-validate, `JSON.stringify`, frame. Runs for `ms` and returns events per second.
 */
export function bareEmitLoop(ms: number): number {
  const started = monotonicMs();
  const now = Date.now();
  let count = 0;
  while (monotonicMs() - started < ms) {
    for (let i = 0; i < 256; i++) {
      const value = quoteSchema.parse(makeQuote(count));
      sink += encodeEvent(`${now}-${count}`, EVENT_NAME, JSON.stringify(value)).length;
      count++;
    }
  }
  return count / ((monotonicMs() - started) / 1000);
}

/** Keeps the loop's output observable, so nothing is optimized away. */
export function bareSink(): number {
  return sink;
}
