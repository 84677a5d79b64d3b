import {
  compareParsedIds,
  encodeComment,
  encodeControl,
  encodeEvent,
  encodePosition,
  encodeRetry,
  GAP_EVENT,
  type ParsedEventId,
  parseEventId,
} from '@tidings/contract/wire';
import type { Broker } from './broker.ts';
import {
  CLOSED,
  Connection,
  LIVE,
  OPENING,
  type RawResponse,
  READY,
  RESUMING,
  sendChunkedHead,
  writeString,
} from './connection.ts';
import type { Counters } from './counters.ts';
import { HubTopic } from './topic.ts';

/** What the fan-out engine needs from the hub's options. */
export interface FanoutOptions {
  readonly broker: Broker;
  readonly counters: Counters;
  readonly streamCount: number;
  readonly heartbeatMs: number;
  readonly maxConnections: number;
  readonly maxBufferedBytes: number;
  readonly retryMs: number;
}

const HEARTBEAT = encodeComment();
const ignoreError = (): void => {};

/**
 * The connection side of a hub: topics with one broker subscription each, write coalescing per
 * event-loop turn, resume hand-over, the shared heartbeat, slow-consumer and shutdown handling.
 */
export class Fanout {
  readonly broker: Broker;
  readonly counters: Counters;
  readonly maxBufferedBytes: number;
  readonly connections = new Set<Connection>();
  readonly perStream: number[];
  private readonly topics = new Map<string, HubTopic>();
  private dirty: HubTopic[] = [];
  private flushScheduled = false;
  private heartbeat: ReturnType<typeof setInterval> | undefined;
  /** Admitted requests not yet attached to a connection (validating, authorizing). */
  private admitted = 0;
  draining = false;
  private readonly retryFrame: string;
  private readonly flushAll = (): void => this.flush();

  constructor(private readonly options: FanoutOptions) {
    this.broker = options.broker;
    this.counters = options.counters;
    this.maxBufferedBytes = options.maxBufferedBytes;
    this.perStream = new Array<number>(options.streamCount).fill(0);
    this.retryFrame = encodeRetry(options.retryMs);
  }

  /** Connections of this process on one topic. */
  countOn(key: string): number {
    const topic = this.topics.get(key);
    return topic ? topic.conns.size + topic.resumers.size : 0;
  }

  /** Reserves a connection slot; false when full or draining. */
  admit(): boolean {
    if (this.draining || this.connections.size + this.admitted >= this.options.maxConnections) return false;
    this.admitted++;
    return true;
  }

  unadmit(): void {
    this.admitted--;
  }

  /** Turns an admitted request into a connection on its topic; it opens once `topic.ready` resolves. */
  connect(res: RawResponse, stream: number, key: string, history: number): Connection {
    this.admitted--;
    let topic = this.topics.get(key);
    if (!topic) {
      topic = new HubTopic(key, history, this);
      this.topics.set(key, topic);
      topic.ready.catch(() => {
        if (this.topics.get(key) === topic) this.topics.delete(key);
      });
    }
    topic.refs++;
    const conn = new Connection(res, topic, stream);
    this.connections.add(conn);
    this.perStream[stream]!++;
    res.on('error', ignoreError);
    res.once('close', () => this.detach(conn));
    if (!this.heartbeat) {
      this.heartbeat = setInterval(() => this.beat(), this.options.heartbeatMs);
      this.heartbeat.unref();
    }
    return conn;
  }

  /**
   * Starts a connection whose head is set (`writeHead`; `chunked` when it declared chunked transfer
   * encoding): live at once, or after replaying from `lastEventId`.
   */
  start(conn: Connection, lastEventId: string | undefined, chunked: boolean): void {
    const after = parseEventId(lastEventId);
    const topic = conn.topic;
    const socket = chunked ? sendChunkedHead(conn.res) : null;
    if (socket !== null) {
      conn.socket = socket;
      writeString(conn, this.retryFrame);
      socket.uncork();
    } else {
      conn.res.write(this.retryFrame); // sends the head with it
    }
    if (after === null && !this.broker.latestId) {
      conn.state = LIVE;
      topic.conns.add(conn);
      return;
    }
    conn.state = RESUMING;
    conn.backlog = [];
    topic.resumers.add(conn);
    if (after === null) void this.position(conn);
    else void this.resume(conn, lastEventId!, after);
  }

  /**
   * A fresh subscribe: tells the client the topic's newest id (a position frame) before anything
   * newer, so that if it drops before the next event it resumes from there instead of not knowing
   * what it missed. Live events that arrived meanwhile are written around it in id order.
   */
  private async position(conn: Connection): Promise<void> {
    let latest: string | undefined;
    try {
      latest = await this.broker.latestId!(conn.topic.ref);
    } catch {
      latest = undefined; // no position: the stream still works, the client just has none yet
    }
    if (conn.state !== RESUMING) return;
    const at = parseEventId(latest);
    const backlog = conn.backlog!;
    let out = '';
    let placed = at === null;
    for (let i = 0; i < backlog.length; i += 2) {
      if (!placed && compareParsedIds(parseEventId(backlog[i]) ?? at!, at!) > 0) {
        out += encodePosition(latest!);
        placed = true;
      }
      out += backlog[i + 1]!;
    }
    if (!placed) out += encodePosition(latest!);
    const frames = backlog.length / 2;
    backlog.length = 0;
    conn.backlogBytes = 0;
    conn.lastSent = null;
    conn.state = READY;
    if (!conn.topic.dirty) this.markDirty(conn.topic);
    if (out !== '') this.writeTo(conn, out, frames);
  }

  private async resume(conn: Connection, lastEventId: string, after: ParsedEventId): Promise<void> {
    let replay: Awaited<ReturnType<Broker['replay']>>;
    try {
      replay = await this.broker.replay(conn.topic.ref, lastEventId);
    } catch {
      // The client reconnects with the same id and tries again.
      if (conn.state !== CLOSED) this.end(conn, this.retryFrame);
      return;
    }
    if (conn.state !== RESUMING) return;
    let out = '';
    let frames = 0;
    // After a gap the client's id is not one the broker vouches for (it may even be from the
    // future): deduplicate only against what this replay sends, or live events would be dropped.
    let last: ParsedEventId | null = replay.gap ? null : after;
    if (replay.gap) {
      out += encodeControl(
        GAP_EVENT,
        JSON.stringify({ lastEventId, oldestAvailableId: replay.oldestAvailableId }),
      );
      frames++;
      this.counters.gapsSignalled++;
    }
    for (const event of replay.events) {
      const id = parseEventId(event.id);
      if (id === null || (last !== null && compareParsedIds(id, last) <= 0)) continue;
      out += encodeEvent(event.id, event.name, event.data);
      last = id;
      frames++;
    }
    this.counters.replaysServed++;
    conn.lastSent = last;
    out += this.takeBacklog(conn);
    conn.state = READY;
    if (!conn.topic.dirty) this.markDirty(conn.topic);
    conn.allowance = Buffer.byteLength(out);
    if (out !== '') this.writeTo(conn, out, frames);
  }

  /** Frames of the backlog newer than what the connection was sent, in order; empties the backlog. */
  private takeBacklog(conn: Connection): string {
    const backlog = conn.backlog!;
    let out = '';
    let frames = 0;
    let last = conn.lastSent;
    for (let i = 0; i < backlog.length; i += 2) {
      const id = parseEventId(backlog[i]);
      if (id === null || (last !== null && compareParsedIds(id, last) <= 0)) continue;
      out += backlog[i + 1]!;
      last = id;
      frames++;
    }
    backlog.length = 0;
    conn.backlogBytes = 0;
    conn.lastSent = last;
    this.counters.framesWritten += frames;
    return out;
  }

  /** Called by a topic for each live event while it has resuming connections. */
  toBacklogs(topic: HubTopic, id: string, frame: string): void {
    for (const conn of topic.resumers) {
      const backlog = conn.backlog!;
      backlog.push(id, frame);
      conn.backlogBytes += frame.length;
      if (conn.backlogBytes > this.maxBufferedBytes) this.slowConsumer(conn);
    }
  }

  /** Hands a resumer whose replay is written over to the topic's live set (during a flush). */
  goLive(conn: Connection): void {
    const out = this.takeBacklog(conn);
    conn.topic.resumers.delete(conn);
    conn.backlog = null;
    conn.state = LIVE;
    conn.topic.conns.add(conn);
    if (out !== '') this.writeTo(conn, out, 0);
  }

  markDirty(topic: HubTopic): void {
    topic.dirty = true;
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

  private writeTo(conn: Connection, chunk: string, frames: number): void {
    this.counters.framesWritten += frames;
    if (writeString(conn, chunk) > this.maxBufferedBytes + conn.allowance) this.slowConsumer(conn);
  }

  slowConsumer(conn: Connection): void {
    if (conn.state === CLOSED) return;
    this.counters.slowConsumerDisconnects++;
    this.detach(conn);
    conn.res.destroy();
  }

  private beat(): void {
    for (const conn of this.connections) {
      if (conn.state === OPENING) continue;
      if (writeString(conn, HEARTBEAT) > this.maxBufferedBytes + conn.allowance) this.slowConsumer(conn);
    }
  }

  /** Forgets a connection (its response closed, or the hub dropped it) and releases its topic when unused. */
  detach(conn: Connection): void {
    if (conn.state === CLOSED) return;
    conn.state = CLOSED;
    const topic = conn.topic;
    topic.conns.delete(conn);
    topic.resumers.delete(conn);
    conn.backlog = null;
    this.connections.delete(conn);
    this.perStream[conn.stream]!--;
    if (--topic.refs === 0) {
      if (this.topics.get(topic.ref.key) === topic) this.topics.delete(topic.ref.key);
      topic.release();
    }
    if (this.connections.size === 0 && this.heartbeat) {
      clearInterval(this.heartbeat);
      this.heartbeat = undefined;
    }
  }

  private end(conn: Connection, lastFrame: string): void {
    const opened = conn.state !== OPENING;
    this.detach(conn);
    if (opened) {
      writeString(conn, lastFrame);
      conn.socket = null;
      conn.res.end();
    } else {
      conn.res.destroy();
    }
  }

  /** Refuses new streams, sends each open one a random `retry:` within the window, and ends it. */
  drain(windowMs: number): void {
    this.draining = true;
    for (const conn of [...this.connections]) {
      if (conn.state === OPENING) continue; // its handler sees `draining` and answers 503
      this.end(conn, encodeRetry(this.options.retryMs + Math.random() * windowMs));
    }
  }

  /** Ends everything and releases every broker subscription. */
  close(): void {
    this.drain(0);
    for (const conn of [...this.connections]) this.end(conn, this.retryFrame);
    for (const topic of this.topics.values()) topic.release();
    this.topics.clear();
    if (this.heartbeat) clearInterval(this.heartbeat);
    this.heartbeat = undefined;
  }
}
