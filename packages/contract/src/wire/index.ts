/**
 * Internals shared by `@tidings/*` packages (wire encoding, ids, topic keys).
 * Not a public API: it may change in any release. Import from `@tidings/contract` instead.
 */

export {
  CLOSE_EVENT,
  CONTRACT_HEADER,
  CONTRACT_QUERY,
  GAP_EVENT,
  HEARTBEAT_HEADER,
  LAST_EVENT_ID_QUERY,
  RESERVED_EVENT_NAMES,
} from '../constants.ts';
export type { EventIdGenerator, ParsedEventId } from '../event-id.ts';
export {
  compareEventIds,
  compareParsedIds,
  createEventIdGenerator,
  formatEventId,
  parseEventId,
} from '../event-id.ts';
export { fillPath } from '../path-params.ts';
export { streamDescriptors } from '../stream-descriptors.ts';
export { escapeKeyPart, topicKey } from '../topic-key.ts';
export { validateWith } from '../validate.ts';
export {
  encodeComment,
  encodeControl,
  encodeEvent,
  encodePosition,
  encodeRetry,
  positionOf,
} from './encode.ts';
export type { MultiplexEntry, MuxControl, MuxFrame } from './multiplex.ts';
export {
  EMPTY_POSITION,
  encodeMuxControl,
  encodeMuxEvent,
  MULTIPLEX_PATH,
  parseMuxFrame,
  SUBSCRIPTION_KEY,
  SUBSCRIPTIONS_QUERY,
} from './multiplex.ts';
