import {
  createNoopMeter,
  type Histogram,
  type Meter,
  type MeterProvider,
  type ObservableResult,
} from '@opentelemetry/api';
import { parseEventId } from '@tidings/contract/wire';
import type { Broker, BrokerObserver } from './broker.ts';
import type { Counters, StreamCounters } from './counters.ts';

/** Attribute values of one reading: the stream, and where it applies the event, the gap cause or the validation source. */
export type MetricAttributes = Readonly<Record<string, string>>;

/** Receives one reading of a gauge or a counter. */
export type Observe = (value: number, attributes: MetricAttributes) => void;

interface MetricBase {
  /** The OpenTelemetry instrument name. */
  readonly name: string;
  /** The name in the Prometheus endpoint (`@tidings/server/metrics`). */
  readonly prometheus: string;
  readonly unit: string;
  readonly description: string;
  /** The attribute keys its readings may carry (Prometheus label names). */
  readonly labels: readonly string[];
}

/** A gauge or a counter: read from the hub's counters when metrics are collected, never updated per frame. */
export interface ObservedMetric extends MetricBase {
  /** `gauge`: a value now (an OpenTelemetry observable up-down counter); `counter`: a total since the hub started. */
  readonly kind: 'gauge' | 'counter';
  read(observe: Observe): void;
}

/** A histogram: values recorded as they happen (delivery latency sampled). */
export interface HistogramMetric extends MetricBase {
  readonly kind: 'histogram';
  readonly boundaries: readonly number[];
}

/** Where recorded histogram values go: one per attached OpenTelemetry meter or Prometheus registry. */
export type HistogramSink = (metric: HistogramMetric, value: number, attributes: MetricAttributes) => void;

/** What the hub's metrics read besides its counters. */
export interface MetricSources {
  /** Stream names, by index. */
  readonly streams: readonly string[];
  /** Event names per stream, by stream index. */
  readonly events: readonly (readonly string[])[];
  /** Indexes of the streams served by handlers. */
  readonly handled: ReadonlySet<number>;
  readonly counters: Counters;
  /** Subscriptions open now, per stream. */
  readonly subscriptions: readonly number[];
  readonly broker: Broker;
}

/** The `stream` attribute of connections and cuts on the multiplexed route, which carries many streams. */
export const MULTIPLEXED = '*';
/** Delivery latencies recorded per event-loop turn at most (the turn's first topics). */
export const DELIVERY_SAMPLES_PER_TURN = 64;

const SECONDS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
const FAST_SECONDS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1];
const EVENTS = [0, 1, 5, 10, 50, 100, 500, 1_000, 5_000, 10_000];

function histogram(
  name: string,
  prometheus: string,
  unit: string,
  labels: readonly string[],
  boundaries: readonly number[],
  description: string,
): HistogramMetric {
  return { kind: 'histogram', name, prometheus, unit, labels, boundaries, description };
}

/** The histograms, for their instruments and for the hub to record into. */
export const HISTOGRAMS = {
  delivery: histogram(
    'tidings.delivery.duration',
    'tidings_delivery_duration_seconds',
    's',
    ['stream'],
    SECONDS,
    'Time from emit (the event id’s timestamp) to the write to the sockets, sampled: the oldest event of a topic’s batch, at most 64 batches per event-loop turn.',
  ),
  replay: histogram(
    'tidings.replay.size',
    'tidings_replay_size',
    '{event}',
    ['stream'],
    EVENTS,
    'Events replayed to one resuming subscription.',
  ),
  publish: histogram(
    'tidings.broker.publish.duration',
    'tidings_broker_publish_duration_seconds',
    's',
    [],
    FAST_SECONDS,
    'Time the broker took to store and publish one event (brokers that report it: redisBroker).',
  ),
} as const;

const noopMeterClass = createNoopMeter().constructor;

/**
 * A hub's metrics: the definitions of its gauges and counters (read from `Counters` at collection
 * time), its histograms, and the sinks that receive histogram values. Nothing is recorded while no
 * sink is attached (no OpenTelemetry SDK, no Prometheus registry): `sampling` stays false and the
 * fan-out never reads the clock for latency.
 */
export class HubMetrics {
  /** The gauges and counters (the broker's only when it can report: `broker.observe`). */
  readonly observed: readonly ObservedMetric[];
  readonly histograms: readonly HistogramMetric[];
  /** True while at least one sink is attached: the fan-out samples delivery latency. */
  sampling = false;
  private readonly sinks: HistogramSink[] = [];
  private readonly streamAttributes: MetricAttributes[];
  private readonly observer: BrokerObserver;
  private detachBroker: (() => void) | undefined;
  private brokerObserved = false;
  private reconnects = 0;
  private outageMs = 0;
  private downSince: number | null = null;

  constructor(private readonly sources: MetricSources) {
    this.streamAttributes = sources.streams.map((stream) => Object.freeze({ stream }));
    const brokerReports = typeof sources.broker.observe === 'function';
    this.histograms = brokerReports ? Object.values(HISTOGRAMS) : [HISTOGRAMS.delivery, HISTOGRAMS.replay];
    const observed = observedMetrics(sources, {
      reconnects: () => this.reconnects,
      outageSeconds: () =>
        (this.outageMs + (this.downSince === null ? 0 : performance.now() - this.downSince)) / 1000,
    });
    this.observed = brokerReports
      ? observed
      : observed.filter((metric) => !metric.name.startsWith('tidings.broker.'));
    this.observer = {
      published: (seconds) => this.record(HISTOGRAMS.publish, seconds, NO_ATTRIBUTES),
      connectionLost: () => {
        this.downSince ??= performance.now();
      },
      connectionRestored: () => {
        if (this.downSince === null) return;
        this.outageMs += performance.now() - this.downSince;
        this.downSince = null;
        this.reconnects++;
      },
    };
  }

  /** Adds a histogram sink (and asks the broker to report, if it can); returns its removal. */
  attach(sink: HistogramSink): () => void {
    this.sinks.push(sink);
    this.sampling = true;
    if (!this.brokerObserved) {
      this.brokerObserved = true;
      this.detachBroker = this.sources.broker.observe?.(this.observer);
    }
    return () => {
      const at = this.sinks.indexOf(sink);
      if (at >= 0) this.sinks.splice(at, 1);
      this.sampling = this.sinks.length > 0;
    };
  }

  /**
   * Registers the hub's instruments on an OpenTelemetry meter provider: observable instruments
   * whose callbacks read the counters, and histograms. The API's no-op provider (no SDK installed)
   * is skipped. Returns the removal of the callbacks and the sink.
   */
  instrument(provider: MeterProvider): () => void {
    const meter: Meter = provider.getMeter('@tidings/server');
    if (meter.constructor === noopMeterClass) return () => {};
    const removals: (() => void)[] = [];
    for (const metric of this.observed) {
      const options = { unit: metric.unit, description: metric.description };
      const instrument =
        metric.kind === 'gauge'
          ? meter.createObservableUpDownCounter(metric.name, options)
          : meter.createObservableCounter(metric.name, options);
      const callback = (result: ObservableResult) =>
        metric.read((value, attributes) => result.observe(value, attributes));
      instrument.addCallback(callback);
      removals.push(() => instrument.removeCallback(callback));
    }
    const instruments = new Map<HistogramMetric, Histogram>();
    for (const metric of this.histograms) {
      instruments.set(
        metric,
        meter.createHistogram(metric.name, {
          unit: metric.unit,
          description: metric.description,
          advice: { explicitBucketBoundaries: [...metric.boundaries] },
        }),
      );
    }
    removals.push(
      this.attach((metric, value, attributes) => instruments.get(metric)?.record(value, attributes)),
    );
    return () => {
      for (const remove of removals) remove();
    };
  }

  /** Records a histogram value in every sink. */
  record(metric: HistogramMetric, value: number, attributes: MetricAttributes): void {
    const sinks = this.sinks;
    for (let i = 0; i < sinks.length; i++) sinks[i]!(metric, value, attributes);
  }

  /** A delivery latency sample: the batch's oldest event, by its id, written now. */
  delivery(stream: number, eventId: string): void {
    const id = parseEventId(eventId);
    if (id === null) return;
    this.record(HISTOGRAMS.delivery, Math.max(0, Date.now() - id.ms) / 1000, this.streamAttributes[stream]!);
  }

  /** A resume: how many events it replayed. */
  replay(stream: number, events: number): void {
    if (this.sampling) this.record(HISTOGRAMS.replay, events, this.streamAttributes[stream]!);
  }

  /** Detaches every sink and the broker observer (the hub closed). */
  close(): void {
    this.sinks.length = 0;
    this.sampling = false;
    this.detachBroker?.();
    this.detachBroker = undefined;
  }
}

const NO_ATTRIBUTES: MetricAttributes = Object.freeze({});

/** The gauges and counters of a hub, each read from its counters. */
function observedMetrics(
  sources: MetricSources,
  broker: { reconnects(): number; outageSeconds(): number },
): ObservedMetric[] {
  const { streams, counters, events, handled } = sources;
  const routes = [...streams, MULTIPLEXED];
  const perStream =
    (read: (counters: StreamCounters) => number): ObservedMetric['read'] =>
    (observe) => {
      for (let i = 0; i < streams.length; i++) observe(read(counters.streams[i]!), { stream: streams[i]! });
    };
  const perRoute =
    (read: (counters: StreamCounters) => number): ObservedMetric['read'] =>
    (observe) => {
      for (let i = 0; i < routes.length; i++) observe(read(counters.streams[i]!), { stream: routes[i]! });
    };
  const metric = (
    kind: ObservedMetric['kind'],
    name: string,
    prometheus: string,
    unit: string,
    labels: readonly string[],
    read: ObservedMetric['read'],
    description: string,
  ): ObservedMetric => ({ kind, name, prometheus, unit, labels, read, description });

  return [
    metric(
      'gauge',
      'tidings.connections',
      'tidings_connections',
      '{connection}',
      ['stream'],
      perRoute((c) => c.connections),
      'Stream connections open now, by stream (`*`: multiplexed connections, which carry many streams).',
    ),
    metric(
      'gauge',
      'tidings.subscriptions',
      'tidings_subscriptions',
      '{subscription}',
      ['stream'],
      (observe) => {
        const subscriptions = sources.subscriptions;
        for (let i = 0; i < streams.length; i++) observe(subscriptions[i]!, { stream: streams[i]! });
      },
      'Subscriptions open now, by stream (a plain connection has one, a multiplexed one many).',
    ),
    metric(
      'counter',
      'tidings.events.emitted',
      'tidings_events_emitted_total',
      '{event}',
      ['stream', 'event'],
      (observe) => {
        for (let i = 0; i < streams.length; i++) {
          for (const event of events[i]!) {
            observe(counters.streams[i]!.events.get(event)!.emitted, { stream: streams[i]!, event });
          }
        }
      },
      'Events published by emit, or yielded by a handler.',
    ),
    metric(
      'counter',
      'tidings.frames.written',
      'tidings_frames_written_total',
      '{frame}',
      ['stream'],
      perStream((c) => c.framesWritten),
      'Event and gap frames written to connections: one per frame per connection.',
    ),
    metric(
      'counter',
      'tidings.bytes.written',
      'tidings_bytes_written_total',
      'By',
      ['stream'],
      perStream((c) => c.bytesWritten),
      'Bytes of event, gap and position frames written to connections (the SSE body, without HTTP framing).',
    ),
    metric(
      'counter',
      'tidings.validation.failures',
      'tidings_validation_failures_total',
      '{failure}',
      ['stream', 'event', 'source'],
      (observe) => {
        for (let i = 0; i < streams.length; i++) {
          const stream = streams[i]!;
          const c = counters.streams[i]!;
          for (const event of events[i]!) {
            const e = c.events.get(event)!;
            if (handled.has(i)) observe(e.invalidYields, { stream, event, source: 'handler' });
            else observe(e.invalidEmits, { stream, event, source: 'emit' });
          }
          if (!handled.has(i)) observe(c.invalidEmitParams, { stream, source: 'emit' });
          observe(c.invalidRequests, { stream, source: 'request' });
        }
      },
      'Payloads or params that failed the contract: emit calls (source "emit", a bug in the emitter), handler yields ("handler"), requests answered 400 ("request").',
    ),
    metric(
      'counter',
      'tidings.replays',
      'tidings_replays_total',
      '{replay}',
      ['stream'],
      perStream((c) => c.replaysServed),
      'Subscriptions that resumed from a Last-Event-ID or a cursor.',
    ),
    metric(
      'counter',
      'tidings.gaps',
      'tidings_gaps_total',
      '{gap}',
      ['stream', 'cause'],
      (observe) => {
        for (let i = 0; i < streams.length; i++) {
          const c = counters.streams[i]!;
          observe(c.resumeGaps, { stream: streams[i]!, cause: 'resume' });
          observe(c.liveGapFrames, { stream: streams[i]!, cause: 'live' });
        }
      },
      'Gap frames sent: a resume older than the history kept ("resume"), or a hole in live delivery the broker reported, once per subscription ("live").',
    ),
    metric(
      'counter',
      'tidings.live_gaps',
      'tidings_live_gaps_total',
      '{gap}',
      ['stream'],
      perStream((c) => c.liveGaps),
      'Holes in live delivery the broker reported (Redis dropped its pub/sub connection while history was trimmed).',
    ),
    metric(
      'counter',
      'tidings.slow_consumer.disconnects',
      'tidings_slow_consumer_disconnects_total',
      '{connection}',
      ['stream'],
      perRoute((c) => c.slowConsumerDisconnects),
      'Connections cut because their unwritten bytes passed maxBufferedBytes (the client resumes from history).',
    ),
    metric(
      'counter',
      'tidings.contract.mismatches',
      'tidings_contract_mismatches_total',
      '{request}',
      ['stream'],
      perRoute((c) => c.contractMismatches),
      'Requests whose contract fingerprint differed from the server’s (and is not in compatibleFingerprints).',
    ),
    metric(
      'counter',
      'tidings.authorize.refusals',
      'tidings_authorize_refusals_total',
      '{subscription}',
      ['stream'],
      perStream((c) => c.authorizeRefusals),
      'Subscriptions authorize refused (false, or an error with a 4xx statusCode).',
    ),
    metric(
      'counter',
      'tidings.broker.reconnects',
      'tidings_broker_reconnects_total',
      '{reconnect}',
      [],
      (observe) => observe(broker.reconnects(), NO_ATTRIBUTES),
      'Times the broker got its connection back after losing it (brokers that report it: redisBroker).',
    ),
    metric(
      'counter',
      'tidings.broker.outage.duration',
      'tidings_broker_outage_duration_seconds_total',
      's',
      [],
      (observe) => observe(broker.outageSeconds(), NO_ATTRIBUTES),
      'Time the broker spent without its connection, the current outage included (brokers that report it: redisBroker).',
    ),
  ];
}

const registry = new WeakMap<object, HubMetrics>();

/** Links a hub to its metrics, for `@tidings/server/metrics`. */
export function linkHubMetrics(hub: object, metrics: HubMetrics): void {
  registry.set(hub, metrics);
}

/** The metrics of a hub made by `createHub`, or undefined. */
export function hubMetricsOf(hub: unknown): HubMetrics | undefined {
  return typeof hub === 'object' && hub !== null ? registry.get(hub) : undefined;
}
