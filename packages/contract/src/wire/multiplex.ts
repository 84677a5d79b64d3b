/**
 * The multiplexed wire format: many subscriptions over one SSE connection. A frame is one `data:`
 * line (no `event:`, no `id:`), so any `EventSource` hands it to `onmessage`:
 *
 * - an event: `data: <alias> <id> <name> <json>`
 * - the subscription with key `<key>` is on topic `<alias>`: `data: <alias> !sub <key>`
 * - a position (a fresh subscription's starting point): `data: <alias> !pos <id>`, or `!pos -`
 *   when the topic has issued nothing yet
 * - a gap: `data: <alias> !gap {"lastEventId":…,"oldestAvailableId":…}`
 * - a refused subscription: `data: - !err {"k":<key>,"status":<status>,"body":<body>}`
 * - the end of a stream served by a handler: `data: <alias> !end {}` or `!end {"error":{…}}`
 *
 * `<alias>` is the topic's short name in the serving process, so a topic's frames are encoded once
 * for every multiplexed connection on it.
 */

/** The route, under the plugin's prefix, that serves a list of subscriptions. A contract path cannot contain `@`. */
export const MULTIPLEX_PATH = '/@tidings';
/** The query param that carries the subscription list (JSON). */
export const SUBSCRIPTIONS_QUERY = 's';
/** The position of a topic that has issued nothing yet. */
export const EMPTY_POSITION = '-';
/** What a subscription key must match. */
export const SUBSCRIPTION_KEY = /^[A-Za-z0-9_.-]{1,64}$/;

/** One entry of the subscription list a client sends. */
export interface MultiplexEntry {
  /** The client's key for this subscription, unique in the list. */
  readonly k: string;
  /** The stream. */
  readonly s: string;
  /** Its params. */
  readonly p?: Readonly<Record<string, unknown>> | undefined;
  /** Its query. */
  readonly q?: Readonly<Record<string, unknown>> | undefined;
  /** Its cursor: the last id it received (`Last-Event-ID`). */
  readonly c?: string | undefined;
}

/** An event frame on a multiplexed connection. */
export function encodeMuxEvent(alias: string, id: string, name: string, data: string): string {
  return `data: ${alias} ${id} ${name} ${data}\n\n`;
}

/** The kinds of control frame on a multiplexed connection. */
export type MuxControl = 'sub' | 'pos' | 'gap' | 'err' | 'end';

/** A control frame on a multiplexed connection (`!sub`, `!pos`, `!gap`, `!err`, `!end`). */
export function encodeMuxControl(alias: string, kind: MuxControl, value: string): string {
  return `data: ${alias} !${kind} ${value}\n\n`;
}

/** A multiplexed frame, read back. */
export type MuxFrame =
  | {
      readonly kind: 'event';
      readonly alias: string;
      readonly id: string;
      readonly name: string;
      readonly data: string;
    }
  | { readonly kind: MuxControl; readonly alias: string; readonly value: string };

/** Reads the data of a multiplexed frame; `undefined` when it is not one. */
export function parseMuxFrame(data: string): MuxFrame | undefined {
  const a = data.indexOf(' ');
  const b = a < 0 ? -1 : data.indexOf(' ', a + 1);
  if (b < 0) return undefined;
  const alias = data.slice(0, a);
  const second = data.slice(a + 1, b);
  if (second.startsWith('!')) {
    const kind = second.slice(1);
    if (kind !== 'sub' && kind !== 'pos' && kind !== 'gap' && kind !== 'err' && kind !== 'end')
      return undefined;
    return { kind, alias, value: data.slice(b + 1) };
  }
  const c = data.indexOf(' ', b + 1);
  if (c < 0) return undefined;
  return { kind: 'event', alias, id: second, name: data.slice(b + 1, c), data: data.slice(c + 1) };
}
