/** Counts of one event of a stream. */
export class EventCounters {
  /** Events published by `emit`, or yielded by the stream's handler. */
  emitted = 0;
  /** `emit` calls whose payload failed the event's schema (nothing was sent). */
  invalidEmits = 0;
  /** Payloads a handler yielded that failed the event's schema (the stream ended in error). */
  invalidYields = 0;
}

/**
 * Counts of one stream since the hub was created: plain integer fields, incremented on the paths
 * they count and read only when metrics are collected (`hub-metrics.ts`) or `stats()` is called.
 * The multiplexed route has one too, for what belongs to a connection rather than a stream
 * (connections, slow-consumer cuts, contract mismatches).
 */
export class StreamCounters {
  /** Connections open now on this stream's route. */
  connections = 0;
  /** Event and `gap` frames written (one per frame per connection). */
  framesWritten = 0;
  /** Bytes of event, `gap` and position frames written (the SSE body, without HTTP chunk framing). */
  bytesWritten = 0;
  /** Subscriptions that resumed with a valid `Last-Event-ID` (or cursor). */
  replaysServed = 0;
  /** `gap` frames sent on resume. */
  resumeGaps = 0;
  /** `gap` frames sent to live subscriptions after a hole the broker reported. */
  liveGapFrames = 0;
  /** Holes in live delivery the broker reported. */
  liveGaps = 0;
  /** Connections cut because their unwritten bytes passed `maxBufferedBytes`. */
  slowConsumerDisconnects = 0;
  /** Requests whose contract fingerprint differed from the server's. */
  contractMismatches = 0;
  /** Subscriptions `authorize` refused (`false`, or an error with a 4xx `statusCode`). */
  authorizeRefusals = 0;
  /** `emit` calls whose params failed the stream's schema. */
  invalidEmitParams = 0;
  /** Requests (or multiplexed entries) whose params or query failed the stream's schemas: 400. */
  invalidRequests = 0;
  /** Per event, by name (empty for the multiplexed route). */
  readonly events = new Map<string, EventCounters>();

  constructor(eventNames: readonly string[]) {
    for (const name of eventNames) this.events.set(name, new EventCounters());
  }
}

/** Every stream's counters, by the stream's index in the contract; the multiplexed route's last. */
export class Counters {
  readonly streams: readonly StreamCounters[];
  /** The multiplexed route's counters (`streams[streams.length - 1]`). */
  readonly mux: StreamCounters;

  constructor(eventNames: readonly (readonly string[])[]) {
    this.mux = new StreamCounters([]);
    this.streams = [...eventNames.map((events) => new StreamCounters(events)), this.mux];
  }

  /** A counter summed over every stream (and the multiplexed route). */
  sum(read: (counters: StreamCounters) => number): number {
    let total = 0;
    for (const counters of this.streams) total += read(counters);
    return total;
  }

  /** An event counter summed over every event of every stream. */
  sumEvents(read: (counters: EventCounters) => number): number {
    let total = 0;
    for (const counters of this.streams) for (const event of counters.events.values()) total += read(event);
    return total;
  }
}
