import { type Cluster, Redis, type RedisOptions } from 'ioredis';
import { clusterSlot } from './cluster-slot.ts';
import { FAIL_FAST, type TrackedConnection, track } from './connection.ts';
import { createLiveChannels, type LiveChannelEvents, type LiveChannels } from './live-channels.ts';

const SINGLE = 'redis';

/** Classic pub/sub on one connection (a single Redis). */
export function singleNodeChannels(
  subscriber: TrackedConnection<Redis>,
  events: LiveChannelEvents,
  onError: (error: unknown) => void,
): LiveChannels {
  return createLiveChannels(
    {
      messageEvent: 'message',
      eagerNode: SINGLE,
      owner: () => SINGLE,
      subscribe: (redis, channels) => redis.subscribe(...channels),
      unsubscribe: (redis, channels) => redis.unsubscribe(...channels),
      connect: () => subscriber,
    },
    events,
    onError,
    undefined,
  );
}

/** Sharded pub/sub on a Redis Cluster: one connection per master, each topic on the master of its slot. */
export function shardedChannels(
  cluster: Cluster,
  linkOptions: RedisOptions,
  events: LiveChannelEvents,
  onError: (error: unknown) => void,
): LiveChannels {
  const bySlot = (channels: readonly string[]): string[][] => {
    const groups = new Map<number, string[]>();
    for (const channel of channels) {
      const slot = clusterSlot(channel);
      const group = groups.get(slot);
      if (group) group.push(channel);
      else groups.set(slot, [channel]);
    }
    return [...groups.values()];
  };
  return createLiveChannels(
    {
      messageEvent: 'smessage',
      owner: (channel) => cluster.slots[clusterSlot(channel)]?.[0],
      // SSUBSCRIBE takes channels of one slot at a time.
      subscribe: (redis, channels) =>
        Promise.all(bySlot(channels).map((group) => redis.ssubscribe(...group))),
      unsubscribe: (redis, channels) =>
        Promise.all(bySlot(channels).map((group) => redis.sunsubscribe(...group))),
      connect(node) {
        const at = node.lastIndexOf(':');
        const redis = new Redis({
          ...cluster.options.redisOptions,
          host: node.slice(0, at),
          port: Number(node.slice(at + 1)),
          ...linkOptions,
          ...FAIL_FAST,
          lazyConnect: false,
          retryStrategy: (times) => Math.min(times * 50, 2_000),
        });
        // A master that refuses the first connection is down: subscribing fails now, not after a timeout.
        return track(redis, undefined, true);
      },
    },
    events,
    onError,
    cluster,
  );
}
