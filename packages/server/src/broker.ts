/** A topic as a broker sees it: its canonical key and how many events to keep for resume. */
export interface TopicRef {
  /** The canonical topic key (`topicKey(stream, params)` from `@tidings/contract`). */
  readonly key: string;
  /** Events to keep for `Last-Event-ID` resume (the stream's `history`). */
  readonly history: number;
}

/** One event as a broker stores and delivers it. */
export interface StoredEvent {
  /** `<ms>-<seq>`, strictly increasing per topic. */
  readonly id: string;
  /** The event name. */
  readonly name: string;
  /** The payload, already serialized as JSON. */
  readonly data: string;
}

/** What `replay` found after an id. */
export interface ReplayResult {
  /** Stored events after the id, oldest first. */
  readonly events: StoredEvent[];
  /** True when the broker cannot vouch for every event after the id (evicted, expired, or an id from the future). */
  readonly gap: boolean;
  /** The oldest id still stored, when there is one. */
  readonly oldestAvailableId?: string | undefined;
}

/**
 * A hole in live delivery: events of a topic that the broker lost on their way to this process
 * (a dropped pub/sub connection while the history was trimmed past what it had delivered).
 */
export interface LiveGap {
  /** The last id delivered before the hole, when there was one. */
  readonly lastEventId?: string | undefined;
  /** The oldest id the broker still stores, when there is one. */
  readonly oldestAvailableId?: string | undefined;
}

/**
 * What a broker may report about itself, for the hub's metrics (`tidings.broker.*`). The hub passes
 * one to `broker.observe` once metrics are on (an OpenTelemetry SDK or a Prometheus registry).
 */
export interface BrokerObserver {
  /** One `publish` took this long, in seconds, from the call to the broker's acknowledgement. */
  published(seconds: number): void;
  /** The broker lost the connection to its server (an outage starts; repeated calls are one outage). */
  connectionLost(): void;
  /** The broker has its connection back (a reconnect; the outage ends). */
  connectionRestored(): void;
}

/**
 * Where events go between `emit` and the connections: the in-process `memoryBroker()` or
 * `redisBroker()` from `@tidings/redis` for many processes.
 */
export interface Broker {
  /** Stores and fans out one event; resolves to the id the broker assigned. */
  publish(topic: TopicRef, name: string, data: string): Promise<string>;
  /**
   * Delivers every event published to the topic from now on, in id order; resolves once live, to
   * an unsubscribe function. A broker that can lose events on the way (Redis pub/sub) calls
   * `onGap` before the first event after a hole, so the hub can tell its clients; it never
   * delivers events after a hole silently.
   */
  subscribe(
    topic: TopicRef,
    onEvent: (event: StoredEvent) => void,
    onGap?: (gap: LiveGap) => void,
  ): Promise<() => void>;
  /** Stored events after `afterId`, with gap detection. */
  replay(topic: TopicRef, afterId: string): Promise<ReplayResult>;
  /**
   * The newest id the topic has issued, if the broker knows it. Optional: with it, a fresh
   * subscriber is told its position at once (a position frame), so it can resume without a gap
   * even if it drops before the topic's next event.
   */
  latestId?(topic: TopicRef): Promise<string | undefined>;
  /**
   * Optional: reports publish latency and connection outages to `observer` from now on; returns
   * a function that stops it. A broker without a server to lose (the memory broker) leaves it out.
   */
  observe?(observer: BrokerObserver): () => void;
  /** Releases timers and connections. */
  close(): Promise<void>;
}
