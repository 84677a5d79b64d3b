import { encodeEvent, type ParsedEventId, parseEventId } from '@tidings/contract/wire';
import type { Broker, LiveGap, ReplayResult, StoredEvent, TopicRef } from './broker.ts';
import { type Connection, frameChunk, writeString } from './connection.ts';
import type { Counters } from './counters.ts';
import { gapFrame, Handover } from './resume.ts';

/** A connection of a hub topic. */
export type TopicConnection = Connection<HubTopic>;

/** What a topic needs from the hub's fan-out (implemented by `Fanout`). */
export interface TopicHost {
  readonly broker: Broker;
  readonly counters: Counters;
  readonly maxBufferedBytes: number;
  /** Flushes the topic at the end of this event-loop turn. */
  schedule(topic: HubTopic): void;
  /** Cuts a connection that buffers more than it may (a slow consumer). */
  cut(conn: TopicConnection): void;
  /** Ends a stream with a last frame (the client reconnects and resumes). */
  end(conn: TopicConnection): void;
}

/**
 * One topic as this process serves it: one broker subscription, the connections listening, the
 * frames received in the current event-loop turn (written once per connection when the turn
 * ends), and the hand-over of connections that resume or take a position (`resume.ts`).
 *
 * Emit path: `receive` (frame encoded once) → `host.schedule` → `flush` (one shared buffer to
 * every live socket). Resume path: `start` → `resume` / `position` (subscribed first, live frames
 * collect in the `Handover`) → `flush` → `goLive` once live delivery has caught up.
 */
export class HubTopic {
  readonly ref: TopicRef;
  /** Connections that receive this topic's coalesced chunks. */
  private readonly live = new Set<TopicConnection>();
  /** Connections between subscribe and live, each with its hand-over. */
  private readonly resuming = new Map<TopicConnection, Handover>();
  /** Connections attached or attaching; the broker subscription is released when it drops to 0. */
  refs = 0;
  private pending = '';
  private pendingFrames = 0;
  private dirty = false;
  /** The newest id live delivery has brought while connections resume. */
  private newestLive: ParsedEventId | null = null;
  /** Resolves once the broker subscription is live; rejects when it could not be made. */
  readonly ready: Promise<void>;
  private unsubscribe: (() => void) | null = null;
  private released = false;

  constructor(
    key: string,
    history: number,
    private readonly host: TopicHost,
  ) {
    this.ref = { key, history };
    this.ready = host.broker
      .subscribe(
        this.ref,
        (event) => this.receive(event),
        (gap) => this.receiveGap(gap),
      )
      .then((unsubscribe) => {
        if (this.released) unsubscribe();
        else this.unsubscribe = unsubscribe;
      });
  }

  /** Connections of this topic, live or resuming. */
  get size(): number {
    return this.live.size + this.resuming.size;
  }

  /** Starts a connection whose head is written: live at once, or after replaying from `lastEventId`. */
  start(conn: TopicConnection, lastEventId: string | undefined): void {
    const after = parseEventId(lastEventId);
    const broker = this.host.broker;
    if (after === null && !broker.latestId) {
      conn.state = 'live';
      this.live.add(conn);
      return;
    }
    conn.state = 'resuming';
    const handover = new Handover();
    this.resuming.set(conn, handover);
    if (after === null) void this.position(conn, handover);
    else void this.resume(conn, handover, lastEventId!, after);
  }

  /** Forgets a connection (closed, cut or ended). */
  remove(conn: TopicConnection): void {
    this.live.delete(conn);
    this.resuming.delete(conn);
  }

  /**
   * A fresh subscribe: tells the client the topic's newest id (a position frame) before anything
   * newer, so that if it drops before the next event it resumes from there instead of not knowing
   * what it missed.
   */
  private async position(conn: TopicConnection, handover: Handover): Promise<void> {
    let latest: string | undefined;
    try {
      latest = await this.host.broker.latestId!(this.ref);
    } catch {
      latest = undefined; // no position: the stream still works, the client just has none yet
    }
    if (conn.state !== 'resuming') return;
    const { out, frames } = handover.afterPosition(latest);
    this.replayed(conn, out, frames);
  }

  private async resume(
    conn: TopicConnection,
    handover: Handover,
    lastEventId: string,
    after: ParsedEventId,
  ): Promise<void> {
    let replay: ReplayResult;
    try {
      replay = await this.host.broker.replay(this.ref, lastEventId);
    } catch {
      // The client reconnects with the same id and tries again.
      if (conn.state !== 'closed') this.host.end(conn);
      return;
    }
    if (conn.state !== 'resuming') return;
    const counters = this.host.counters;
    counters.replaysServed++;
    if (replay.gap) counters.gapsSignalled++;
    const { out, frames } = handover.afterReplay(replay, lastEventId, after);
    counters.framesWritten += frames;
    conn.allowance = Buffer.byteLength(out);
    this.replayed(conn, out, 0);
  }

  /** The replay (or position) is written: the connection waits for the next flush to go live. */
  private replayed(conn: TopicConnection, out: string, frames: number): void {
    conn.state = 'ready';
    if (!this.dirty) this.markDirty();
    this.host.counters.framesWritten += frames;
    if (out !== '') this.write(conn, out);
  }

  private receive(event: StoredEvent): void {
    const frame = encodeEvent(event.id, event.name, event.data);
    this.pending += frame;
    this.pendingFrames++;
    if (this.resuming.size > 0) {
      this.newestLive = parseEventId(event.id) ?? this.newestLive;
      this.toHandovers(event.id, frame);
    }
    if (!this.dirty) this.markDirty();
  }

  /** The broker lost events of this topic on their way here: every connection is told, then live goes on. */
  private receiveGap(gap: LiveGap): void {
    const frame = gapFrame(gap.lastEventId, gap.oldestAvailableId);
    const counters = this.host.counters;
    counters.liveGaps++;
    counters.gapsSignalled += this.size;
    this.pending += frame;
    this.pendingFrames++;
    if (this.resuming.size > 0) this.toHandovers(undefined, frame);
    if (!this.dirty) this.markDirty();
  }

  private toHandovers(id: string | undefined, frame: string): void {
    const max = this.host.maxBufferedBytes;
    for (const [conn, handover] of this.resuming) {
      const held = id === undefined ? handover.collectControl(frame) : handover.collect(id, frame);
      if (held > max) this.host.cut(conn);
    }
  }

  private markDirty(): void {
    this.dirty = true;
    this.host.schedule(this);
  }

  /** Writes this turn's frames to every live connection, then hands ready connections over to live. */
  flush(): void {
    this.dirty = false;
    const chunk = this.pending;
    const host = this.host;
    if (chunk !== '') {
      this.pending = '';
      host.counters.framesWritten += this.pendingFrames * this.live.size;
      this.pendingFrames = 0;
      const max = host.maxBufferedBytes;
      // Encoded (and framed as an HTTP/1.1 chunk) once for every socket, not once per socket.
      let framed: Buffer | undefined;
      let bytes: Buffer | undefined;
      for (const conn of this.live) {
        const socket = conn.socket;
        let buffered: number;
        if (socket !== null) {
          if (framed === undefined) framed = Buffer.from(frameChunk(chunk));
          socket.write(framed);
          buffered = socket.writableLength;
        } else {
          if (bytes === undefined) bytes = Buffer.from(chunk);
          conn.res.write(bytes);
          buffered = conn.res.writableLength;
        }
        if (buffered > max + conn.allowance) host.cut(conn);
      }
    }
    if (this.resuming.size > 0) {
      for (const [conn, handover] of this.resuming) {
        if (conn.state === 'ready' && handover.caughtUp(this.newestLive)) this.goLive(conn, handover);
      }
    }
  }

  /** Hands a connection whose replay is written over to the live set (during a flush). */
  private goLive(conn: TopicConnection, handover: Handover): void {
    const { out, frames } = handover.take();
    this.resuming.delete(conn);
    conn.state = 'live';
    this.live.add(conn);
    this.host.counters.framesWritten += frames;
    if (out !== '') this.write(conn, out);
  }

  private write(conn: TopicConnection, chunk: string): void {
    if (writeString(conn, chunk) > this.host.maxBufferedBytes + conn.allowance) this.host.cut(conn);
  }

  /** Releases the broker subscription. */
  release(): void {
    this.released = true;
    const unsubscribe = this.unsubscribe;
    this.unsubscribe = null;
    unsubscribe?.();
  }
}
