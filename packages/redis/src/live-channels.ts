import type { Cluster, Redis } from 'ioredis';
import { CLUSTER_SLOTS } from './cluster-slot.ts';
import type { TrackedConnection } from './connection.ts';

/** What the subscription side hears from the pub/sub connections. */
export interface LiveChannelEvents {
  /** A message on a channel, from the connection that carries that channel now. */
  message(channel: string, message: string): void;
  /**
   * These channels' subscriptions are gone until `restored`: their connection dropped (`dropped`
   * names it) or their slot moved to another master (`dropped` undefined).
   */
  lost(channels: readonly string[], dropped: string | undefined): void;
  /** These channels are subscribed again; events published from now on arrive. */
  restored(channels: readonly string[]): void;
}

/** The pub/sub side of the broker: which connection carries which channel, kept subscribed across outages. */
export interface LiveChannels {
  /** Subscribes a channel; resolves once Redis confirmed it (waits up to `timeoutMs` for a first connection). */
  add(channel: string, timeoutMs: number): Promise<void>;
  /** Resolves when the connection that carries `channel` is up; rejects at once during an outage. */
  ready(channel: string, timeoutMs: number): Promise<void>;
  /** Unsubscribes a channel. */
  remove(channel: string): void;
  /** Closes every pub/sub connection. */
  close(): Promise<void>;
}

type ChannelState = 'adding' | 'live' | 'lost';

/** One pub/sub connection: the only one on a single Redis, one per master in a cluster. */
interface Link {
  readonly node: string;
  readonly conn: TrackedConnection<Redis>;
  readonly channels: Map<string, ChannelState>;
  restoring: boolean;
  again: boolean;
  /** Subscribes waiting on this connection, rejected when it reports MOVED. */
  readonly movedWaiters: Set<(error: Error) => void>;
}

/** How a mode subscribes: classic pub/sub on one connection, or sharded pub/sub per master. */
export interface ChannelMode {
  readonly messageEvent: 'message' | 'smessage';
  /** A node whose connection exists from the start (the single Redis), watched before the first subscribe. */
  readonly eagerNode?: string | undefined;
  /** The node that serves a channel now, if known. */
  owner(channel: string): string | undefined;
  subscribe(redis: Redis, channels: readonly string[]): Promise<unknown>;
  unsubscribe(redis: Redis, channels: readonly string[]): Promise<unknown>;
  /** Opens the pub/sub connection to a node. */
  connect(node: string): TrackedConnection<Redis>;
}

/** How often a cluster whose channels lost their master is asked for its slots again. */
const REROUTE_MS = 200;
/**
 * How often a cluster with live channels is asked for its slots anyway: a safety net for a slot
 * that moved without the old master's SUNSUBSCRIBE reaching us.
 */
const TOPOLOGY_CHECK_MS = 5_000;
/** ioredis reports a server-initiated SUNSUBSCRIBE (the node lost the channel's slot) as an orphan reply. */
const PUSHED_SUNSUBSCRIBE = /Last reply: sunsubscribe,([\s\S]*),\d+$/;

/**
 * Keeps channels subscribed on the connections `mode` opens: re-subscribes what a dropped
 * connection carried once it is back, and on a cluster follows each channel's slot to its master.
 */
export function createLiveChannels(
  mode: ChannelMode,
  events: LiveChannelEvents,
  onError: (error: unknown) => void,
  cluster: Cluster | undefined,
): LiveChannels {
  const links = new Map<string, Link>();
  const linkOf = new Map<string, Link>();
  let closed = false;
  let rerouteTimer: ReturnType<typeof setTimeout> | undefined;
  let rerouteSoon = false;

  function linkFor(node: string): Link {
    const existing = links.get(node);
    if (existing) return existing;
    const conn = mode.connect(node);
    const link: Link = {
      node,
      conn,
      channels: new Map(),
      restoring: false,
      again: false,
      movedWaiters: new Set(),
    };
    const redis = conn.redis;
    redis.on(mode.messageEvent, (channel: string, message: string) => {
      if (linkOf.get(channel) === link) events.message(channel, message);
    });
    redis.on('close', () => {
      const dropped: string[] = [];
      for (const [channel, state] of link.channels) {
        if (state !== 'live') continue;
        link.channels.set(channel, 'lost');
        dropped.push(channel);
      }
      if (dropped.length > 0 && !closed) {
        events.lost(dropped, cluster ? `Redis node ${node}` : 'Redis');
        scheduleReroute();
      }
    });
    redis.on('ready', () => restore(link));
    redis.on('error', (error: unknown) => {
      const pushed = error instanceof Error ? PUSHED_SUNSUBSCRIBE.exec(error.message) : null;
      if (pushed) unsubscribedByServer(link, pushed[1]!);
      else onError(error);
    });
    // A SSUBSCRIBE reached a node that no longer serves the slot (ioredis never settles it).
    redis.on('moved', () => {
      const error = new Error('MOVED: the node no longer serves this slot');
      for (const waiter of link.movedWaiters) waiter(error);
      scheduleReroute(true);
    });
    links.set(node, link);
    return link;
  }

  /** The node lost the channel's slot (failover, resharding) and dropped the subscription itself. */
  function unsubscribedByServer(link: Link, channel: string): void {
    if (link.channels.get(channel) !== 'live') return;
    link.channels.set(channel, 'lost');
    events.lost([channel], undefined);
    scheduleReroute(true);
  }

  /** Subscribes the channels a link lost (or was given) once it is up, then reports them restored. */
  async function restore(link: Link): Promise<void> {
    if (link.restoring) {
      link.again = true;
      return;
    }
    link.restoring = true;
    try {
      do {
        link.again = false;
        const redis = link.conn.redis;
        if (closed || redis.status !== 'ready') return;
        const lost = [...link.channels].filter(([, state]) => state === 'lost').map(([channel]) => channel);
        if (lost.length === 0) return;
        try {
          await untilMoved(link, mode.subscribe(redis, lost));
        } catch {
          // Dropped again (the next `ready` retries), or the slot moved: ask the cluster where it went.
          scheduleReroute();
          return;
        }
        const back = lost.filter((channel) => link.channels.get(channel) === 'lost');
        for (const channel of back) link.channels.set(channel, 'live');
        // Removed or moved elsewhere while the subscribe was on its way.
        const gone = lost.filter((channel) => !link.channels.has(channel));
        if (gone.length > 0) mode.unsubscribe(redis, gone).catch(() => {});
        if (back.length > 0) events.restored(back);
      } while (link.again);
    } finally {
      link.restoring = false;
    }
  }

  /** Moves channels whose slot another master serves now, and retires connections to former masters. */
  function reroute(): void {
    if (closed || !cluster) return;
    for (const [channel, from] of linkOf) {
      const state = from.channels.get(channel);
      // A channel still being added is settled by `add` itself.
      if (state === undefined || state === 'adding') continue;
      const owner = mode.owner(channel);
      if (owner === undefined || owner === from.node) continue;
      from.channels.delete(channel);
      if (from.conn.redis.status === 'ready') mode.unsubscribe(from.conn.redis, [channel]).catch(() => {});
      const to = linkFor(owner);
      to.channels.set(channel, 'lost');
      linkOf.set(channel, to);
      if (state === 'live') events.lost([channel], undefined);
    }
    const masters = new Set<string>();
    for (let slot = 0; slot < CLUSTER_SLOTS; slot++) {
      const owner = cluster.slots[slot]?.[0];
      if (owner !== undefined) masters.add(owner);
    }
    let waiting = false;
    for (const link of [...links.values()]) {
      if (link.channels.size === 0 && !masters.has(link.node)) {
        retire(link);
        continue;
      }
      const lost = [...link.channels.values()].includes('lost');
      if (lost) {
        waiting = true;
        restore(link).catch(() => {});
      }
    }
    if (waiting) scheduleReroute();
  }

  /** Asks the cluster for its slots (now, or after a pause) and reroutes when they arrive. */
  function scheduleReroute(now = false): void {
    if (closed || !cluster) return;
    if (rerouteTimer !== undefined) {
      if (!now || rerouteSoon) return;
      clearTimeout(rerouteTimer);
    }
    rerouteSoon = now;
    rerouteTimer = setTimeout(
      () => {
        rerouteTimer = undefined;
        // A refresh that succeeds emits 'refresh', which reroutes; one that fails reroutes here.
        if (closed) return;
        cluster.refreshSlotsCache((error) => {
          if (error) reroute();
        });
      },
      now ? 0 : REROUTE_MS,
    );
    rerouteTimer.unref();
  }

  function retire(link: Link): void {
    links.delete(link.node);
    const redis = link.conn.redis;
    redis.removeAllListeners();
    redis.on('error', () => {});
    redis.disconnect();
  }

  const onRefresh = (): void => reroute();
  cluster?.on('refresh', onRefresh);
  const topologyCheck = cluster
    ? setInterval(() => {
        if (linkOf.size > 0) scheduleReroute(true);
      }, TOPOLOGY_CHECK_MS)
    : undefined;
  topologyCheck?.unref();
  if (mode.eagerNode !== undefined) linkFor(mode.eagerNode);

  function forget(channel: string, link: Link): void {
    if (linkOf.get(channel) !== link) return;
    linkOf.delete(channel);
    link.channels.delete(channel);
    const redis = link.conn.redis;
    if (redis.status === 'ready') mode.unsubscribe(redis, [channel]).catch(() => {});
  }

  return {
    async add(channel, timeoutMs) {
      if (closed) throw new Error('the broker is closed');
      let owner = mode.owner(channel);
      if (owner === undefined && cluster) {
        await new Promise<void>((resolve) => cluster.refreshSlotsCache(() => resolve()));
        owner = mode.owner(channel);
      }
      if (owner === undefined) throw new Error(`no Redis Cluster master serves the slot of "${channel}"`);
      const link = linkFor(owner);
      link.channels.set(channel, 'adding');
      linkOf.set(channel, link);
      try {
        await link.conn.ready(timeoutMs);
        await untilMoved(link, mode.subscribe(link.conn.redis, [channel]));
      } catch (error) {
        forget(channel, link);
        scheduleReroute();
        throw error;
      }
      if (linkOf.get(channel) !== link || link.channels.get(channel) !== 'adding') {
        forget(channel, link);
        throw new Error('the Redis Cluster moved the topic while subscribing');
      }
      link.channels.set(channel, 'live');
    },

    async ready(channel, timeoutMs) {
      const link = linkOf.get(channel);
      if (!link) throw new Error(`"${channel}" is not subscribed`);
      await link.conn.ready(timeoutMs);
    },

    remove(channel) {
      const link = linkOf.get(channel);
      if (link) forget(channel, link);
    },

    async close() {
      closed = true;
      clearTimeout(rerouteTimer);
      clearInterval(topologyCheck);
      cluster?.off('refresh', onRefresh);
      await Promise.all(
        [...links.values()].map(async ({ conn: { redis } }) => {
          if (redis.status === 'ready') await redis.quit().catch(() => redis.disconnect());
          else redis.disconnect();
        }),
      );
      links.clear();
      linkOf.clear();
    },
  };
}

/** `promise`, rejected early when its connection reports MOVED. */
async function untilMoved<TValue>(link: Link, promise: Promise<TValue>): Promise<TValue> {
  let waiter: ((error: Error) => void) | undefined;
  const moved = new Promise<never>((_, reject) => {
    waiter = reject;
    link.movedWaiters.add(reject);
  });
  try {
    return await Promise.race([promise, moved]);
  } finally {
    if (waiter) link.movedWaiters.delete(waiter);
  }
}
