/** The client's lifecycle event names, which a contract may not declare (the one list of them). */
export const RESERVED_EVENT_NAMES = ['open', 'error', 'message', 'gap', 'close'] as const;
/** What an event name must match. */
export const EVENT_NAME_PATTERN = /^[A-Za-z][A-Za-z0-9_.-]*$/;
/** What a stream name must match: an identifier. */
export const STREAM_NAME_PATTERN = /^[A-Za-z_][A-Za-z0-9_]*$/;
/** The control event sent before a replay that cannot vouch for every event after `Last-Event-ID`. */
export const GAP_EVENT = 'gap';
/**
 * The control event that ends a stream for good (its handler returned or failed): the client closes
 * without reconnecting. Its data is `{}` or `{ "error": { "code", "message" } }`.
 */
export const CLOSE_EVENT = 'close';
/** The request header (and query param) that carries the client's contract fingerprint. */
export const CONTRACT_HEADER = 'x-tidings-contract';
export const CONTRACT_QUERY = 'contract';
/**
 * The query param a new `EventSource` uses to resume (it cannot set `Last-Event-ID` itself).
 * The `Last-Event-ID` header wins when both are present.
 */
export const LAST_EVENT_ID_QUERY = 'lastEventId';
/** The response header that announces the heartbeat interval in milliseconds. */
export const HEARTBEAT_HEADER = 'x-tidings-heartbeat';
/** Default events kept per topic. */
export const DEFAULT_HISTORY = 100;
