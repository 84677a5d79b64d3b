import { encodeComment, encodeRetry } from '@tidings/contract/wire';
import { Admission } from './admission.ts';
import type { Broker } from './broker.ts';
import { Connection, type RawResponse, sendChunkedHead, writeString } from './connection.ts';
import type { Counters } from './counters.ts';
import { Heartbeat } from './heartbeat.ts';
import { cutSlowConsumer } from './slow-consumer.ts';
import { HubTopic, type TopicConnection, type TopicHost } from './topic.ts';

/** What the fan-out needs from the hub's options. */
export interface FanoutOptions {
  readonly broker: Broker;
  readonly counters: Counters;
  readonly streamCount: number;
  readonly heartbeatMs: number;
  readonly maxConnections: number;
  readonly maxBufferedBytes: number;
  readonly retryMs: number;
}

/** A request the plugin admitted, validated and authorized, for `connect`. */
export interface ConnectRequest {
  readonly req: { once(event: 'close', listener: () => void): unknown };
  readonly res: RawResponse;
  /** Index of the stream in the hub's stream list. */
  readonly stream: number;
  /** The topic key of the validated params. */
  readonly key: string;
  /** Events the stream keeps for resume. */
  readonly history: number;
}

const HEARTBEAT = encodeComment();
const ignoreError = (): void => {};

/**
 * The connection side of a hub: its topics (one broker subscription each), its connections, the
 * per-turn flush of the topics that received events, and what applies to every connection —
 * admission, the heartbeat, slow-consumer cuts and the drain. Each topic owns its connections'
 * delivery and resume (`topic.ts`, `resume.ts`).
 */
export class Fanout implements TopicHost {
  readonly broker: Broker;
  readonly counters: Counters;
  readonly maxBufferedBytes: number;
  readonly connections = new Set<TopicConnection>();
  /** Connections per stream, by the stream's index. */
  readonly perStream: number[];
  readonly admission: Admission;
  private readonly topics = new Map<string, HubTopic>();
  private readonly heartbeat: Heartbeat;
  private dirty: HubTopic[] = [];
  private flushScheduled = false;
  private readonly retryFrame: string;
  private readonly flushAll = (): void => this.flush();

  constructor(private readonly options: FanoutOptions) {
    this.broker = options.broker;
    this.counters = options.counters;
    this.maxBufferedBytes = options.maxBufferedBytes;
    this.perStream = new Array<number>(options.streamCount).fill(0);
    this.retryFrame = encodeRetry(options.retryMs);
    this.admission = new Admission(options.maxConnections, () => this.connections.size);
    this.heartbeat = new Heartbeat(options.heartbeatMs, () => this.beat());
  }

  /** Connections of this process on one topic. */
  countOn(key: string): number {
    return this.topics.get(key)?.size ?? 0;
  }

  /**
   * Turns an admitted request into a connection on its topic (subscribing to the topic if it is
   * new here). It is detached on the response's `close` or the request's: Node 20 and 22 never
   * close a response still queued behind another on its socket when that socket closes, but they
   * do close its request.
   */
  connect({ req, res, stream, key, history }: ConnectRequest): TopicConnection {
    this.admission.release();
    let topic = this.topics.get(key);
    if (!topic) {
      const created = new HubTopic(key, history, this);
      this.topics.set(key, created);
      created.ready.catch(() => {
        if (this.topics.get(key) === created) this.topics.delete(key);
      });
      topic = created;
    }
    topic.refs++;
    const conn = new Connection(res, topic, stream);
    this.connections.add(conn);
    this.perStream[stream]!++;
    const gone = (): void => this.detach(conn);
    res.on('error', ignoreError);
    res.once('close', gone);
    req.once('close', gone);
    this.heartbeat.start();
    return conn;
  }

  /** Resolves once the connection's topic has its broker subscription. */
  opened(conn: TopicConnection): Promise<void> {
    return conn.topic.ready;
  }

  /**
   * Starts a connection whose head is set (`writeHead`; `chunked` when it declared chunked
   * transfer encoding): writes the head and the `retry:` frame, then hands it to its topic.
   */
  start(conn: TopicConnection, lastEventId: string | undefined, chunked: boolean): void {
    const socket = chunked ? sendChunkedHead(conn.res) : null;
    if (socket !== null) {
      conn.socket = socket;
      writeString(conn, this.retryFrame);
      socket.uncork();
    } else {
      conn.res.write(this.retryFrame); // sends the head with it
    }
    conn.topic.start(conn, lastEventId);
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
    const dirty = this.dirty;
    this.dirty = [];
    for (let i = 0; i < dirty.length; i++) dirty[i]!.flush();
  }

  /** A slow consumer: counted, detached and reset (it resumes from history). */
  cut(conn: TopicConnection): void {
    if (conn.state === 'closed') return;
    this.counters.slowConsumerDisconnects++;
    this.detach(conn);
    cutSlowConsumer(conn);
  }

  private beat(): void {
    const max = this.maxBufferedBytes;
    for (const conn of this.connections) {
      if (conn.state === 'opening') continue;
      if (writeString(conn, HEARTBEAT) > max + conn.allowance) this.cut(conn);
    }
  }

  /** Forgets a connection (its response closed, or the hub dropped it) and releases its topic when unused. */
  detach(conn: TopicConnection): void {
    if (conn.state === 'closed') return;
    conn.state = 'closed';
    const topic = conn.topic;
    topic.remove(conn);
    this.connections.delete(conn);
    this.perStream[conn.stream]!--;
    if (--topic.refs === 0) {
      if (this.topics.get(topic.ref.key) === topic) this.topics.delete(topic.ref.key);
      topic.release();
    }
    if (this.connections.size === 0) this.heartbeat.stop();
  }

  /** Ends a stream with a `retry:` frame (or `lastFrame`); one still opening is destroyed. */
  end(conn: TopicConnection, lastFrame = this.retryFrame): void {
    const opened = conn.state !== 'opening';
    this.detach(conn);
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
      if (conn.state === 'opening') continue; // its handler sees `draining` and answers 503
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
