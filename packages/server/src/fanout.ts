import { encodeComment, encodeRetry } from '@tidings/contract/wire';
import type { FastifyBaseLogger } from 'fastify';
import { Admission } from './admission.ts';
import type { Broker } from './broker.ts';
import { Connection, debugging, type RawResponse, Slot, sendChunkedHead, writeString } from './connection.ts';
import type { Counters } from './counters.ts';
import type { Framing } from './framing.ts';
import { Heartbeat } from './heartbeat.ts';
import { DELIVERY_SAMPLES_PER_TURN, type HubMetrics, MULTIPLEXED } from './hub-metrics.ts';
import { cutSlowConsumer } from './slow-consumer.ts';
import { HubTopic, type TopicConnection, type TopicHost, type TopicSlot } from './topic.ts';

/** What the fan-out needs from the hub's options. */
export interface FanoutOptions {
  readonly broker: Broker;
  readonly counters: Counters;
  readonly metrics: HubMetrics;
  /** Stream names, by index. */
  readonly streams: readonly string[];
  readonly heartbeatMs: number;
  readonly maxConnections: number;
  readonly maxBufferedBytes: number;
  readonly retryMs: number;
}

/** One topic a connection subscribes to. */
export interface TopicRequest {
  /** Index of the stream in the hub's stream list. */
  readonly stream: number;
  /** The topic key of the validated params. */
  readonly key: string;
  /** Events the stream keeps for resume. */
  readonly history: number;
}

/** A request the plugin admitted, validated and authorized, for `connect`. */
export interface ConnectRequest {
  readonly req: { once(event: 'close', listener: () => void): unknown };
  readonly res: RawResponse;
  /** Its topics, one subscription each (one for a plain stream). */
  readonly topics: readonly TopicRequest[];
  readonly framing: Framing;
  /** The stream's index for a plain stream; the stream count for the multiplexed route. */
  readonly route: number;
  /** The request's logger (with its request id). */
  readonly log: FastifyBaseLogger;
}

/** Why a connection closed, as the `closed` log line says. */
export type CloseReason = 'client' | 'slow-consumer' | 'server' | 'ended' | 'refused';

const HEARTBEAT = encodeComment();

const ignoreError = (): void => {};

/**
 * The connection side of a hub: its topics (one broker subscription each), its connections and
 * their subscriptions, the per-turn flush of the topics that received events, and what applies
 * to a connection as a whole — admission, the heartbeat, slow-consumer cuts and the drain. Each
 * topic owns its subscriptions' delivery and resume (`topic.ts`, `resume.ts`).
 */
export class Fanout implements TopicHost {
  readonly broker: Broker;
  readonly counters: Counters;
  readonly metrics: HubMetrics;
  /** Delivery latency samples left in this flush (0 while metrics are off). */
  samplesLeft = 0;
  /** Route names by index: the streams, then `*` (the multiplexed route). */
  readonly routes: readonly string[];
  /** The app's logger, set when the plugin is registered (for what happens outside a request). */
  log: FastifyBaseLogger | null = null;
  readonly maxBufferedBytes: number;
  readonly connections = new Set<TopicConnection>();
  /** Subscriptions per stream, by the stream's index. */
  readonly perStream: number[];
  readonly admission: Admission;
  private readonly topics = new Map<string, HubTopic>();
  private readonly heartbeat: Heartbeat<TopicConnection>;
  private dirty: HubTopic[] = [];
  private flushScheduled = false;
  private readonly retryFrame: string;
  private readonly flushAll = (): void => this.flush();

  constructor(private readonly options: FanoutOptions) {
    this.broker = options.broker;
    this.counters = options.counters;
    this.metrics = options.metrics;
    this.routes = [...options.streams, MULTIPLEXED];
    this.maxBufferedBytes = options.maxBufferedBytes;
    this.perStream = new Array<number>(options.streams.length).fill(0);
    this.retryFrame = encodeRetry(options.retryMs);
    this.admission = new Admission(options.maxConnections, () => this.connections.size);
    this.heartbeat = new Heartbeat(options.heartbeatMs, this.connections, (conn) => this.beat(conn));
  }

  /** Streams served by handlers now, by topic key (what `subscriberCount` counts for them). */
  private readonly handled = new Map<string, number>();

  /** Subscriptions of this process on one topic (or running handlers with those params). */
  countOn(key: string): number {
    return (this.topics.get(key)?.size ?? 0) + (this.handled.get(key) ?? 0);
  }

  /** Counts a handler serving `stream` with these params until `running` settles. */
  countHandler(stream: number, key: string, running: Promise<void>): void {
    this.perStream[stream]!++;
    this.handled.set(key, (this.handled.get(key) ?? 0) + 1);
    void running.finally(() => {
      this.perStream[stream]!--;
      const left = (this.handled.get(key) ?? 1) - 1;
      if (left === 0) this.handled.delete(key);
      else this.handled.set(key, left);
    });
  }

  private topic(key: string, history: number, stream: number): HubTopic {
    let topic = this.topics.get(key);
    if (!topic) {
      const created = new HubTopic(key, history, stream, this);
      this.topics.set(key, created);
      created.ready.catch(() => {
        if (this.topics.get(key) === created) this.topics.delete(key);
      });
      topic = created;
    }
    return topic;
  }

  /**
   * Turns an admitted request into a connection with one subscription per topic (subscribing to
   * each topic that is new here). It is detached on the response's `close` or the request's: Node
   * 20 and 22 never close a response still queued behind another on its socket when that socket
   * closes, but they do close its request.
   */
  connect({ req, res, topics, framing, route, log }: ConnectRequest): TopicConnection {
    this.admission.release();
    const conn: TopicConnection = new Connection(res, route, log);
    this.counters.streams[route]!.connections++;
    for (const { stream, key, history } of topics) {
      const topic = this.topic(key, history, stream);
      topic.attach();
      conn.slots.push(new Slot(conn, topic, stream, framing));
      this.perStream[stream]!++;
    }
    this.connections.add(conn);
    const gone = (): void => this.detach(conn, 'client');
    res.on('error', ignoreError);
    res.once('close', gone);
    req.once('close', gone);
    this.heartbeat.start();
    return conn;
  }

  /** Settles once every topic of the connection has its broker subscription: per subscription, whether it has. */
  async opened(conn: TopicConnection): Promise<PromiseSettledResult<void>[]> {
    return Promise.allSettled(conn.slots.map((slot) => slot.topic.ready));
  }

  /** Takes one subscription off a connection that is still opening (its topic could not subscribe). */
  drop(slot: TopicSlot): void {
    const slots = slot.conn.slots;
    const at = slots.indexOf(slot);
    if (at < 0 || slot.state === 'closed') return;
    slots.splice(at, 1);
    this.release(slot);
  }

  /**
   * Writes the head of a connection whose head is set (`writeHead`; `chunked` when it declared
   * chunked transfer encoding) with the `retry:` frame and `preamble`, then starts each
   * subscription on its topic, from its cursor.
   */
  start(
    conn: TopicConnection,
    cursors: readonly (string | undefined)[],
    chunked: boolean,
    preamble = '',
  ): void {
    conn.state = 'open';
    const socket = chunked ? sendChunkedHead(conn.res) : null;
    if (socket !== null) {
      conn.socket = socket;
      writeString(conn, this.retryFrame + preamble);
      socket.uncork();
    } else {
      conn.res.write(this.retryFrame + preamble); // sends the head with it
    }
    const slots = conn.slots;
    if (debugging(conn.log)) {
      conn.log.debug(
        {
          stream: this.routes[conn.route],
          subscriptions: slots.length,
          resumed: cursors.filter((cursor) => cursor !== undefined).length,
        },
        '@tidings/server: stream opened',
      );
    }
    for (let i = 0; i < slots.length && conn.state === 'open'; i++)
      slots[i]!.topic.start(slots[i]!, cursors[i]);
  }

  sampleDelivery(stream: number, eventId: string): void {
    this.samplesLeft--;
    this.metrics.delivery(stream, eventId);
  }

  schedule(topic: HubTopic): void {
    this.dirty.push(topic);
    if (!this.flushScheduled) {
      this.flushScheduled = true;
      setImmediate(this.flushAll);
    }
  }

  private flush(): void {
    this.flushScheduled = false;
    this.samplesLeft = this.metrics.sampling ? DELIVERY_SAMPLES_PER_TURN : 0;
    const dirty = this.dirty;
    this.dirty = [];
    for (let i = 0; i < dirty.length; i++) dirty[i]!.flush();
    const corked = this.corked;
    if (corked.length === 0) return;
    this.corked = [];
    for (let i = 0; i < corked.length; i++) {
      const conn = corked[i]!;
      conn.corked = false;
      conn.socket?.uncork();
    }
  }

  /** Connections whose socket is corked during this flush. */
  private corked: TopicConnection[] = [];

  cork(conn: TopicConnection): void {
    if (conn.corked || conn.socket === null) return;
    conn.corked = true;
    conn.socket.cork();
    this.corked.push(conn);
  }

  /** A slow consumer: counted, detached and reset (it resumes from history). */
  cut(conn: TopicConnection): void {
    if (conn.state === 'closed') return;
    this.counters.streams[conn.route]!.slowConsumerDisconnects++;
    conn.log?.info(
      {
        stream: this.routes[conn.route],
        bufferedBytes: conn.buffered,
        maxBufferedBytes: this.maxBufferedBytes,
        durationMs: Math.round(performance.now() - conn.openedAt),
      },
      '@tidings/server: slow consumer cut: its unwritten bytes passed maxBufferedBytes; it resumes from history',
    );
    this.detach(conn, 'slow-consumer');
    cutSlowConsumer(conn);
  }

  private beat(conn: TopicConnection): void {
    if (conn.state !== 'open') return;
    if (writeString(conn, HEARTBEAT) > this.maxBufferedBytes + conn.allowance) this.cut(conn);
  }

  private release(slot: TopicSlot): void {
    slot.state = 'closed';
    this.perStream[slot.stream]!--;
    const topic = slot.topic;
    if (topic.remove(slot)) {
      if (this.topics.get(topic.ref.key) === topic) this.topics.delete(topic.ref.key);
      topic.release();
    }
  }

  /** Forgets a connection (its response closed, or the hub dropped it) and releases its topics when unused. */
  detach(conn: TopicConnection, reason: CloseReason): void {
    if (conn.state === 'closed') return;
    if (conn.state === 'open' && debugging(conn.log)) {
      conn.log.debug(
        {
          stream: this.routes[conn.route],
          reason,
          durationMs: Math.round(performance.now() - conn.openedAt),
        },
        '@tidings/server: stream closed',
      );
    }
    conn.state = 'closed';
    this.counters.streams[conn.route]!.connections--;
    for (const slot of conn.slots) this.release(slot);
    for (const handler of conn.handlers) handler.abort();
    this.connections.delete(conn);
    if (this.connections.size === 0) this.heartbeat.stop();
  }

  /** Ends a stream for good after its last frame (its handler returned or failed): no `retry:`. */
  finish(conn: TopicConnection): void {
    const open = conn.state === 'open';
    this.detach(conn, 'ended');
    if (!open) return;
    conn.socket = null;
    conn.res.end();
  }

  /** Ends a stream with a `retry:` frame (or `lastFrame`); one still opening is destroyed. */
  end(conn: TopicConnection, lastFrame = this.retryFrame): void {
    const opened = conn.state === 'open';
    this.detach(conn, 'server');
    if (opened) {
      writeString(conn, lastFrame);
      conn.socket = null;
      conn.res.end();
    } else {
      conn.res.destroy();
    }
  }

  /**
   * The drain before a restart: refuses new streams, then sends each open one a `retry:` spread at
   * random over the window and ends it, so its clients do not all reconnect at once.
   */
  drain(windowMs: number): void {
    this.admission.draining = true;
    for (const conn of [...this.connections]) {
      if (conn.state !== 'open') continue; // its handler sees `draining` and answers 503
      this.end(conn, encodeRetry(this.options.retryMs + Math.random() * windowMs));
    }
  }

  /** Ends everything and releases every broker subscription. */
  close(): void {
    this.drain(0);
    for (const conn of [...this.connections]) this.end(conn);
    for (const topic of this.topics.values()) topic.release();
    this.topics.clear();
    this.heartbeat.stop();
  }
}
