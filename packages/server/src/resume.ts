import { compareParsedIds, type ParsedEventId, parseEventId } from '@tidings/contract/wire';
import type { ReplayResult } from './broker.ts';
import { EMPTY_POSITION, type Framing } from './framing.ts';

/** Frames to write to one connection, and how many of them are events (for `framesWritten`). */
export interface Frames {
  readonly out: string;
  readonly frames: number;
}

/** Marks a backlog entry that is a control frame (a live gap): always written, never deduplicated. */
const CONTROL = '';

/**
 * The hand-over of one connection from replay to live: what it has been sent, and the live
 * frames that arrived meanwhile. Its rule: frames go out in id order, each id at most once, and
 * none is dropped — so a resumed client sees no gap and no duplicate.
 *
 * The topic (`topic.ts`) owns one per resuming connection: it subscribes first, collects live
 * frames here while it reads the replay (or the position), writes what `afterReplay` /
 * `afterPosition` return, and hands the connection over to live once live delivery has caught up
 * (`caughtUp`), writing what `take` returns.
 */
export class Handover {
  constructor(
    /** How the connection's frames are written, and its topic's alias there. */
    private readonly framing: Framing,
    private readonly alias: string,
  ) {}

  /** Live frames that arrived while resuming, as `[id, frame, id, frame, …]`. */
  private readonly backlog: string[] = [];
  /** Bytes held in the backlog (a slow-consumer bound). */
  bytes = 0;
  /** The newest id written to the connection; `null`: none, so nothing is deduplicated. */
  private lastSent: ParsedEventId | null = null;

  /** Keeps a live frame for later; returns the bytes now held. */
  collect(id: string, frame: string): number {
    this.backlog.push(id, frame);
    this.bytes += frame.length;
    return this.bytes;
  }

  /** Keeps a control frame (a live gap) for later, in order with the events. */
  collectControl(frame: string): number {
    return this.collect(CONTROL, frame);
  }

  /**
   * A fresh subscribe: the backlog, with the position frame (the topic's newest id when the
   * subscription went live) placed in id order among the live frames that arrived meanwhile.
   */
  afterPosition(latest: string | undefined): Frames {
    const at = parseEventId(latest);
    // A multiplexed subscription is told the topic was empty too, so its client knows where it starts.
    if (at === null && this.framing.kind === 'mux') {
      const rest = this.take();
      return { out: this.framing.position(this.alias, EMPTY_POSITION) + rest.out, frames: rest.frames };
    }
    let out = '';
    let placed = at === null;
    for (let i = 0; i < this.backlog.length; i += 2) {
      const id = this.backlog[i]!;
      if (!placed && id !== CONTROL && compareParsedIds(parseEventId(id) ?? at!, at!) > 0) {
        out += this.framing.position(this.alias, latest!);
        placed = true;
      }
      out += this.backlog[i + 1]!;
    }
    if (!placed) out += this.framing.position(this.alias, latest!);
    const frames = this.backlog.length / 2;
    this.clear();
    return { out, frames };
  }

  /**
   * A resume: the gap frame when the broker cannot vouch for every event after `lastEventId`, the
   * replayed events newer than it, then the backlog frames newer than those.
   */
  afterReplay(replay: ReplayResult, lastEventId: string, after: ParsedEventId): Frames {
    let out = '';
    let frames = 0;
    // After a gap the client's id is not one the broker vouches for (it may even be from the
    // future): deduplicate only against what this replay sends, or live events would be dropped.
    let last: ParsedEventId | null = replay.gap ? null : after;
    if (replay.gap) {
      out += this.framing.gap(this.alias, lastEventId, replay.oldestAvailableId);
      frames++;
    }
    for (const event of replay.events) {
      const id = parseEventId(event.id);
      if (id === null || (last !== null && compareParsedIds(id, last) <= 0)) continue;
      out += this.framing.event(this.alias, event.id, event.name, event.data);
      last = id;
      frames++;
    }
    this.lastSent = last;
    const rest = this.take();
    return { out: out + rest.out, frames: frames + rest.frames };
  }

  /** The backlog frames newer than what was sent, in order; empties the backlog. */
  take(): Frames {
    let out = '';
    let frames = 0;
    let last = this.lastSent;
    for (let i = 0; i < this.backlog.length; i += 2) {
      const entry = this.backlog[i]!;
      if (entry !== CONTROL) {
        const id = parseEventId(entry);
        if (id === null || (last !== null && compareParsedIds(id, last) <= 0)) continue;
        last = id;
      }
      out += this.backlog[i + 1]!;
      frames++;
    }
    this.lastSent = last;
    this.clear();
    return { out, frames };
  }

  /**
   * True once live delivery (`newestLive`, the newest id the topic received live) has reached the
   * last id this connection was sent. Until then its backlog keeps collecting, deduplicated when it
   * goes live: a live copy of a replayed event that arrives late (Redis pub/sub lagging the replay)
   * is never written twice or out of order.
   */
  caughtUp(newestLive: ParsedEventId | null): boolean {
    const sent = this.lastSent;
    if (sent === null) return true;
    return newestLive !== null && compareParsedIds(newestLive, sent) >= 0;
  }

  private clear(): void {
    this.backlog.length = 0;
    this.bytes = 0;
  }
}
