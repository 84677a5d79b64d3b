import {
  CLOSE_EVENT,
  EMPTY_POSITION,
  encodeControl,
  encodeEvent,
  encodeMuxControl,
  encodeMuxEvent,
  encodePosition,
  GAP_EVENT,
} from '@tidings/contract/wire';

/**
 * How a topic's frames are written for one kind of connection: plain SSE (one topic per
 * connection, any `EventSource` reads it) or multiplexed (each frame names its topic's alias).
 * Each kind is encoded at most once per event per topic, whatever the number of connections.
 */
export interface Framing {
  readonly kind: 'plain' | 'mux';
  event(alias: string, id: string, name: string, data: string): string;
  position(alias: string, id: string): string;
  gap(alias: string, lastEventId: string | undefined, oldestAvailableId: string | undefined): string;
  /** The end of a stream served by a handler: `{}`, or `{ error: { code, message } }`. */
  end(alias: string, body: string): string;
}

const gapData = (lastEventId: string | undefined, oldestAvailableId: string | undefined) =>
  JSON.stringify({ lastEventId, oldestAvailableId });

/** Plain SSE: `id:`, `event:`, `data:`; control frames carry no `id:`. */
export const PLAIN: Framing = {
  kind: 'plain',
  event: (_alias, id, name, data) => encodeEvent(id, name, data),
  position: (_alias, id) => encodePosition(id),
  gap: (_alias, lastEventId, oldestAvailableId) =>
    encodeControl(GAP_EVENT, gapData(lastEventId, oldestAvailableId)),
  end: (_alias, body) => encodeControl(CLOSE_EVENT, body),
};

/** Multiplexed: one `data:` line per frame, led by the topic's alias (see `@tidings/contract/wire`). */
export const MUX: Framing = {
  kind: 'mux',
  event: encodeMuxEvent,
  position: (alias, id) => encodeMuxControl(alias, 'pos', id),
  gap: (alias, lastEventId, oldestAvailableId) =>
    encodeMuxControl(alias, 'gap', gapData(lastEventId, oldestAvailableId)),
  end: (alias, body) => encodeMuxControl(alias, 'end', body),
};

export { EMPTY_POSITION };
