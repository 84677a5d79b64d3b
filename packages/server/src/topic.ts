import { type ParsedEventId, parseEventId } from '@tidings/contract/wire';
import type { FastifyBaseLogger } from 'fastify';
import type { Broker, LiveGap, ReplayResult, StoredEvent, TopicRef } from './broker.ts';
import { type Connection, debugging, frameChunk, type Slot, writeString } from './connection.ts';
import type { Counters, StreamCounters } from './counters.ts';
import { type Framing, MUX, PLAIN } from './framing.ts';
import type { HubMetrics } from './hub-metrics.ts';
import { Handover } from './resume.ts';

/** A connection of the hub, whose subscriptions are on hub topics. */
export type TopicConnection = Connection<HubTopic>;
/** A subscription of a connection to a hub topic. */
export type TopicSlot = Slot<HubTopic>;

/** What a topic needs from the hub's fan-out (implemented by `Fanout`). */
export interface TopicHost {
  readonly broker: Broker;
  readonly counters: Counters;
  readonly metrics: HubMetrics;
  /** Route names by index (the streams, then the multiplexed route), for logs. */
  readonly routes: readonly string[];
  /** The app's logger, once the plugin is registered (for what happens outside a request). */
  readonly log: FastifyBaseLogger | null;
  readonly maxBufferedBytes: number;
  /** Delivery latency samples left in this flush (0 while metrics are off). */
  readonly samplesLeft: number;
  /** Records a delivery latency sample: a batch of the stream whose oldest event is `eventId`, written now. */
  sampleDelivery(stream: number, eventId: string): void;
  /** Flushes the topic at the end of this event-loop turn. */
  schedule(topic: HubTopic): void;
  /** Corks a connection's socket until the end of this flush, so its writes leave in one syscall. */
  cork(conn: TopicConnection): void;
  /** Cuts a connection that buffers more than it may (a slow consumer). */
  cut(conn: TopicConnection): void;
  /** Ends a stream with a last frame (the client reconnects and resumes). */
  end(conn: TopicConnection): void;
}

/** A turn's frames in one framing, and how many subscriptions read that framing. */
class Pending {
  chunk = '';
  frames = 0;
  /** Live or resuming subscriptions in this framing: none, and the turn is not encoded in it. */
  readers = 0;

  constructor(readonly framing: Framing) {}
}

let aliases = 0;

/**
 * One topic as this process serves it: one broker subscription, the subscriptions of connections
 * on it, the frames received in the current event-loop turn (written once per connection when the
 * turn ends), and the hand-over of subscriptions that resume or take a position (`resume.ts`).
 *
 * Emit path: `receive` (each framing encoded once) → `host.schedule` → `flush` (one shared buffer
 * to every live socket). Resume path: `start` → `resume` / `position` (subscribed first, live
 * frames collect in the `Handover`) → `flush` → `goLive` once live delivery has caught up.
 */
export class HubTopic {
  readonly ref: TopicRef;
  /** Its short name in this process, which multiplexed frames carry. */
  readonly alias = (aliases++).toString(36);
  /** Subscriptions that receive this topic's coalesced chunks. */
  private readonly live = new Set<TopicSlot>();
  /** Subscriptions between subscribe and live, each with its hand-over. */
  private readonly resuming = new Map<TopicSlot, Handover>();
  /** Subscriptions attached, in any state; the broker subscription is released when it drops to 0. */
  private attached = 0;
  private readonly plain = new Pending(PLAIN);
  private readonly mux = new Pending(MUX);
  private dirty = false;
  /** The newest id live delivery has brought while subscriptions resume. */
  private newestLive: ParsedEventId | null = null;
  /** Resolves once the broker subscription is live; rejects when it could not be made. */
  readonly ready: Promise<void>;
  private unsubscribe: (() => void) | null = null;
  private released = false;
  /** Its stream's counters. */
  private readonly stat: StreamCounters;
  /** The id of the oldest event of this turn's batch (a delivery latency sample). */
  private firstId: string | undefined;

  constructor(
    key: string,
    history: number,
    /** Index of its stream in the hub's stream list. */
    readonly stream: number,
    private readonly host: TopicHost,
  ) {
    this.ref = { key, history };
    this.stat = host.counters.streams[stream]!;
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

  /** Subscriptions of this topic, live or resuming. */
  get size(): number {
    return this.live.size + this.resuming.size;
  }

  /** Counts a subscription attached to this topic (it starts later, once the topic is ready). */
  attach(): void {
    this.attached++;
  }

  private pendingOf(slot: TopicSlot): Pending {
    return slot.framing.kind === 'mux' ? this.mux : this.plain;
  }

  /** Starts a subscription whose head is written: live at once, or after replaying from `lastEventId`. */
  start(slot: TopicSlot, lastEventId: string | undefined): void {
    const after = parseEventId(lastEventId);
    this.pendingOf(slot).readers++;
    if (after === null && !this.host.broker.latestId) {
      slot.state = 'live';
      this.live.add(slot);
      return;
    }
    slot.state = 'resuming';
    const handover = new Handover(slot.framing, this.alias);
    this.resuming.set(slot, handover);
    if (after === null) void this.position(slot, handover);
    else void this.resume(slot, handover, lastEventId!, after);
  }

  /** Forgets a subscription (closed, cut or ended); true when it was the last one attached. */
  remove(slot: TopicSlot): boolean {
    if (this.live.delete(slot) || this.resuming.delete(slot)) this.pendingOf(slot).readers--;
    return --this.attached === 0;
  }

  /**
   * A fresh subscribe: tells the client the topic's newest id (a position frame) before anything
   * newer, so that if it drops before the next event it resumes from there instead of not knowing
   * what it missed.
   */
  private async position(slot: TopicSlot, handover: Handover): Promise<void> {
    let latest: string | undefined;
    try {
      latest = await this.host.broker.latestId!(this.ref);
    } catch (error) {
      // No position: the stream still works, the client just has none yet.
      latest = undefined;
      slot.conn.log?.warn(
        { err: error, stream: this.host.routes[this.stream] },
        '@tidings/server: the broker could not read the topic’s latest id; the stream starts without a position',
      );
    }
    if (slot.state !== 'resuming') return;
    const { out, frames } = handover.afterPosition(latest);
    this.replayed(slot, out, frames);
  }

  private async resume(
    slot: TopicSlot,
    handover: Handover,
    lastEventId: string,
    after: ParsedEventId,
  ): Promise<void> {
    let replay: ReplayResult;
    try {
      replay = await this.host.broker.replay(this.ref, lastEventId);
    } catch (error) {
      // The client reconnects with the same id and tries again.
      slot.conn.log?.warn(
        { err: error, stream: this.host.routes[this.stream], lastEventId },
        '@tidings/server: the broker could not replay; the stream ends and the client resumes on reconnect',
      );
      if (slot.state !== 'closed') this.host.end(slot.conn);
      return;
    }
    if (slot.state !== 'resuming') return;
    const stat = this.stat;
    stat.replaysServed++;
    this.host.metrics.replay(this.stream, replay.events.length);
    if (replay.gap) {
      stat.resumeGaps++;
      if (debugging(slot.conn.log))
        slot.conn.log.debug(
          {
            stream: this.host.routes[this.stream],
            lastEventId,
            oldestAvailableId: replay.oldestAvailableId,
          },
          '@tidings/server: gap served: the resume is older than the history kept',
        );
    }
    const { out, frames } = handover.afterReplay(replay, lastEventId, after);
    const bytes = Buffer.byteLength(out);
    slot.conn.allowance += bytes;
    this.replayed(slot, out, frames, bytes);
  }

  /** The replay (or position) is written: the subscription waits for the next flush to go live. */
  private replayed(slot: TopicSlot, out: string, frames: number, bytes = Buffer.byteLength(out)): void {
    slot.state = 'ready';
    if (!this.dirty) this.markDirty();
    this.stat.framesWritten += frames;
    this.stat.bytesWritten += bytes;
    if (out !== '') this.write(slot.conn, out);
  }

  private receive(event: StoredEvent): void {
    const alias = this.alias;
    let plain: string | undefined;
    let mux: string | undefined;
    if (this.plain.readers > 0) {
      plain = PLAIN.event(alias, event.id, event.name, event.data);
      this.plain.chunk += plain;
      this.plain.frames++;
    }
    if (this.mux.readers > 0) {
      mux = MUX.event(alias, event.id, event.name, event.data);
      this.mux.chunk += mux;
      this.mux.frames++;
    }
    if (this.resuming.size > 0) {
      this.newestLive = parseEventId(event.id) ?? this.newestLive;
      this.toHandovers(event.id, (kind) => (kind === 'mux' ? mux! : plain!));
    }
    if (this.firstId === undefined) this.firstId = event.id;
    if (!this.dirty) this.markDirty();
  }

  /** The broker lost events of this topic on their way here: every subscription is told, then live goes on. */
  private receiveGap(gap: LiveGap): void {
    this.stat.liveGaps++;
    this.stat.liveGapFrames += this.size;
    this.host.log?.warn(
      {
        stream: this.host.routes[this.stream],
        lastEventId: gap.lastEventId,
        oldestAvailableId: gap.oldestAvailableId,
        subscriptions: this.size,
      },
      '@tidings/server: the broker lost live events of a topic; its subscriptions are sent a gap',
    );
    const frames = { plain: '', mux: '' };
    for (const pending of [this.plain, this.mux]) {
      if (pending.readers === 0) continue;
      const frame = pending.framing.gap(this.alias, gap.lastEventId, gap.oldestAvailableId);
      frames[pending.framing.kind] = frame;
      pending.chunk += frame;
      pending.frames++;
    }
    if (this.resuming.size > 0) this.toHandovers(undefined, (kind) => frames[kind]);
    if (!this.dirty) this.markDirty();
  }

  private toHandovers(id: string | undefined, frameFor: (kind: Framing['kind']) => string): void {
    const max = this.host.maxBufferedBytes;
    for (const [slot, handover] of this.resuming) {
      const frame = frameFor(slot.framing.kind);
      const held = id === undefined ? handover.collectControl(frame) : handover.collect(id, frame);
      if (held > max) this.host.cut(slot.conn);
    }
  }

  private markDirty(): void {
    this.dirty = true;
    this.host.schedule(this);
  }

  /** Writes this turn's frames to every live subscription, then hands ready ones over to live. */
  flush(): void {
    this.dirty = false;
    const plain = this.take(this.plain);
    const mux = this.take(this.mux);
    const firstId = this.firstId;
    this.firstId = undefined;
    if (plain !== undefined || mux !== undefined) {
      const host = this.host;
      const max = host.maxBufferedBytes;
      for (const slot of this.live) {
        const shared = slot.framing.kind === 'mux' ? mux : plain;
        if (shared === undefined) continue;
        shared.sockets++;
        const conn = slot.conn;
        const socket = conn.socket;
        let buffered: number;
        if (socket !== null) {
          // A multiplexed connection takes several topics' chunks per turn: one syscall for all of them.
          if (slot.framing.kind === 'mux') host.cork(conn);
          socket.write(shared.framed());
          buffered = socket.writableLength;
        } else {
          conn.res.write(shared.bytes());
          buffered = conn.res.writableLength;
        }
        if (buffered > max + conn.allowance) host.cut(conn);
      }
      const stat = this.stat;
      if (plain !== undefined && plain.sockets > 0) {
        stat.framesWritten += plain.frames * plain.sockets;
        stat.bytesWritten += plain.size() * plain.sockets;
      }
      if (mux !== undefined && mux.sockets > 0) {
        stat.framesWritten += mux.frames * mux.sockets;
        stat.bytesWritten += mux.size() * mux.sockets;
      }
      if (host.samplesLeft > 0 && firstId !== undefined && (plain?.sockets || mux?.sockets))
        host.sampleDelivery(this.stream, firstId);
    }
    if (this.resuming.size > 0) {
      for (const [slot, handover] of this.resuming) {
        if (slot.state === 'ready' && handover.caughtUp(this.newestLive)) this.goLive(slot, handover);
      }
    }
  }

  /**
   * The turn's chunk of one framing, encoded (and framed as an HTTP/1.1 chunk) once for every
   * socket, not once per socket, and only if some socket needs it.
   */
  private take(pending: Pending) {
    const chunk = pending.chunk;
    if (chunk === '') return undefined;
    const frames = pending.frames;
    pending.chunk = '';
    pending.frames = 0;
    let framed: Buffer | undefined;
    let bytes: Buffer | undefined;
    let size = -1;
    const sizeOf = (): number => {
      if (size < 0) size = bytes !== undefined ? bytes.length : Buffer.byteLength(chunk);
      return size;
    };
    return {
      frames,
      /** Sockets written this flush (for the frame and byte counts). */
      sockets: 0,
      framed: () => (framed ??= Buffer.from(frameChunk(chunk, sizeOf()))),
      bytes: () => (bytes ??= Buffer.from(chunk)),
      /** The chunk's size in bytes (the SSE body, without HTTP framing). */
      size: sizeOf,
    };
  }

  /** Hands a subscription whose replay is written over to the live set (during a flush). */
  private goLive(slot: TopicSlot, handover: Handover): void {
    const { out, frames } = handover.take();
    this.resuming.delete(slot);
    slot.state = 'live';
    this.live.add(slot);
    if (out !== '') {
      this.stat.framesWritten += frames;
      this.stat.bytesWritten += Buffer.byteLength(out);
      this.write(slot.conn, out);
    }
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
