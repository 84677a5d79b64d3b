import { compareParsedIds, encodeEvent, type ParsedEventId, parseEventId } from '@tidings/contract/wire';
import type { StoredEvent, TopicRef } from './broker.ts';
import { type Connection, frameChunk, READY } from './connection.ts';
import type { Fanout } from './fanout.ts';

/**
 * One topic as this process serves it: one broker subscription, the connections listening, and the
 * frames received in the current event-loop turn (written once per connection when the turn ends).
 */
export class HubTopic {
  readonly ref: TopicRef;
  readonly conns = new Set<Connection>();
  readonly resumers = new Set<Connection>();
  /** Connections attached or attaching; the broker subscription is released when it drops to 0. */
  refs = 0;
  pending = '';
  pendingFrames = 0;
  dirty = false;
  /** The newest id live delivery has brought; a resumer goes live only once live has caught up with its replay. */
  newestLive: ParsedEventId | null = null;
  ready: Promise<void>;
  unsubscribe: (() => void) | null = null;
  released = false;
  readonly onEvent: (event: StoredEvent) => void;

  constructor(
    key: string,
    history: number,
    private readonly fanout: Fanout,
  ) {
    this.ref = { key, history };
    this.onEvent = (event) => this.receive(event);
    this.ready = fanout.broker.subscribe(this.ref, this.onEvent).then((unsubscribe) => {
      if (this.released) unsubscribe();
      else this.unsubscribe = unsubscribe;
    });
  }

  private receive(event: StoredEvent): void {
    const frame = encodeEvent(event.id, event.name, event.data);
    if (this.resumers.size > 0) this.newestLive = parseEventId(event.id) ?? this.newestLive;
    this.pending += frame;
    this.pendingFrames++;
    if (this.resumers.size > 0) this.fanout.toBacklogs(this, event.id, frame);
    if (!this.dirty) this.fanout.markDirty(this);
  }

  /** Writes this turn's frames to every live connection, then hands ready resumers over to live. */
  flush(): void {
    this.dirty = false;
    const chunk = this.pending;
    if (chunk !== '') {
      this.pending = '';
      const fanout = this.fanout;
      fanout.counters.framesWritten += this.pendingFrames * this.conns.size;
      this.pendingFrames = 0;
      const max = fanout.maxBufferedBytes;
      // Encoded (and framed as an HTTP/1.1 chunk) once for every socket, not once per socket.
      let framed: Buffer | undefined;
      let bytes: Buffer | undefined;
      for (const conn of this.conns) {
        const socket = conn.socket;
        if (socket !== null) {
          if (framed === undefined) framed = Buffer.from(frameChunk(chunk));
          socket.write(framed);
          if (socket.writableLength > max + conn.allowance) fanout.slowConsumer(conn);
        } else {
          if (bytes === undefined) bytes = Buffer.from(chunk);
          const res = conn.res;
          res.write(bytes);
          if (res.writableLength > max + conn.allowance) fanout.slowConsumer(conn);
        }
      }
    }
    if (this.resumers.size > 0) {
      for (const conn of this.resumers)
        if (conn.state === READY && this.caughtUp(conn)) this.fanout.goLive(conn);
    }
  }

  /**
   * True once live delivery has reached the last id the resumer was sent. Until then its backlog
   * keeps collecting (deduplicated when it goes live): a live copy of a replayed event that
   * arrives late (Redis pub/sub lags the replay) is never written twice or out of order.
   */
  private caughtUp(conn: Connection): boolean {
    const sent = conn.lastSent;
    if (sent === null) return true;
    const live = this.newestLive;
    return live !== null && compareParsedIds(live, sent) >= 0;
  }

  release(): void {
    this.released = true;
    const unsubscribe = this.unsubscribe;
    this.unsubscribe = null;
    unsubscribe?.();
  }
}
