import { TidingsError } from '../errors.ts';

const LINE_BREAK = /\r\n|\r|\n/;

function fieldLines(field: string, value: string): string {
  // JSON never holds a raw line break, so this split only runs for hand-made data
  // (`indexOf` scans faster than the regular expression: this runs for every frame).
  if (value.indexOf('\n') === -1 && value.indexOf('\r') === -1) return `${field}: ${value}\n`;
  return value
    .split(LINE_BREAK)
    .map((line) => `${field}: ${line}\n`)
    .join('');
}

/** A data frame: `id: <id>\nevent: <name>\ndata: <json>\n\n`. */
export function encodeEvent(id: string, name: string, data: string): string {
  return `id: ${id}\nevent: ${name}\n${fieldLines('data', data)}\n`;
}

/** A control frame (`gap`): no `id:` line, so it never moves a client's `Last-Event-ID`. */
export function encodeControl(name: string, data: string): string {
  return `event: ${name}\n${fieldLines('data', data)}\n`;
}

const POSITION = 'position ';

/**
 * A position frame: `: position <id>\nid: <id>\n\n`. It moves a client's `Last-Event-ID` to the
 * topic's newest event at subscribe time, so a stream that has not had an event yet still resumes
 * without a gap. A block with an `id:` line and no `data:` line dispatches nothing in any
 * `EventSource` (WHATWG: the id is kept, the empty event is dropped), so no application sees an
 * event it did not emit. Parsers that drop such a block (eventsource-parser) read the id from the
 * comment line instead (`positionOf`).
 */
export function encodePosition(id: string): string {
  return `: ${POSITION}${id}\nid: ${id}\n\n`;
}

/** The id a position frame's comment line carries (the comment's text, as a parser reports it); else `undefined`. */
export function positionOf(comment: string): string | undefined {
  const text = comment.startsWith(' ') ? comment.slice(1) : comment;
  return text.startsWith(POSITION) ? text.slice(POSITION.length) : undefined;
}

/** A comment frame, used for heartbeats: `: <text>\n\n`. */
export function encodeComment(text = ''): string {
  if (text === '') return ':\n\n';
  return `${fieldLines('', text)}\n`;
}

/** A reconnection-delay frame: `retry: <ms>\n\n`. */
export function encodeRetry(ms: number): string {
  if (!Number.isFinite(ms)) {
    throw new TidingsError(
      'CONFIG_INVALID',
      `@tidings/contract: encodeRetry got ${String(ms)}; expected a finite number of milliseconds.`,
    );
  }
  return `retry: ${Math.max(0, Math.floor(ms))}\n\n`;
}
