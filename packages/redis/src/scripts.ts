import type { ChainableCommander, Cluster } from 'ioredis';
import type { RedisConnection } from './connection.ts';
import type { TopicKeys } from './keys.ts';

/**
 * Appends one event and fans it out, atomically, so every instance sees a topic's events in id
 * order. KEYS: events stream, meta hash. ARGV: history, name, data, ttl ms, channel.
 * The meta hash keeps the first id of the stream's lifetime (everything after it is vouched for
 * until trimming) and the last id issued. `SPUBLISH` (Redis Cluster) reaches only the shard that
 * owns the channel's slot, the same slot as the keys.
 */
const publishScript = (command: 'PUBLISH' | 'SPUBLISH') => `
local fresh = redis.call('EXISTS', KEYS[1]) == 0
local id = redis.call('XADD', KEYS[1], 'MAXLEN', '~', ARGV[1], '*', 'n', ARGV[2], 'd', ARGV[3])
if fresh then
  redis.call('HSET', KEYS[2], 'first', id, 'last', id)
else
  redis.call('HSET', KEYS[2], 'last', id)
end
redis.call('PEXPIRE', KEYS[1], ARGV[4])
redis.call('PEXPIRE', KEYS[2], ARGV[4])
redis.call('${command}', ARGV[5], id .. '\\n' .. ARGV[2] .. '\\n' .. ARGV[3])
return id
`;

/**
 * Reads what a replay needs in one atomic step. KEYS: events stream, meta hash. ARGV: after id,
 * history. Only the newest `history` entries count as stored (`MAXLEN ~` may keep more).
 * Returns [first, last, length, oldest, newest, newest hidden, oldest visible, entries after
 * the id (newest first)].
 */
const REPLAY = `
local h = tonumber(ARGV[2])
local meta = redis.call('HMGET', KEYS[2], 'first', 'last')
local n = redis.call('XLEN', KEYS[1])
local entries = {}
local oldest = false
local newest = false
local hidden = false
local oldestVisible = false
if n > 0 then
  if h > 0 then
    entries = redis.call('XREVRANGE', KEYS[1], '+', '(' .. ARGV[1], 'COUNT', h)
  end
  newest = redis.call('XREVRANGE', KEYS[1], '+', '-', 'COUNT', 1)[1][1]
  local skip = n - h
  if skip < 0 then skip = 0 end
  local head = redis.call('XRANGE', KEYS[1], '-', '+', 'COUNT', skip + 1)
  oldest = head[1][1]
  if skip > 0 then
    hidden = head[skip][1]
  end
  if h > 0 then
    oldestVisible = head[skip + 1][1]
  end
end
return { meta[1], meta[2], n, oldest, newest, hidden, oldestVisible, entries }
`;

type PublishArgs = [
  events: string,
  meta: string,
  history: number,
  name: string,
  data: string,
  ttlMs: number,
  channel: string,
];

/** The broker's scripts as ioredis commands (`defineCommand`: EVALSHA, and EVAL when Redis lacks the script). */
interface ScriptCommands {
  tidingsPublish(...args: PublishArgs): Promise<string>;
  tidingsSpublish(...args: PublishArgs): Promise<string>;
  tidingsReplay(events: string, meta: string, afterId: string, history: number): Promise<unknown>;
}

/** The publish scripts queued on a pipeline. */
interface PipelineScriptCommands {
  tidingsPublish(...args: PublishArgs): ChainableCommander;
  tidingsSpublish(...args: PublishArgs): ChainableCommander;
}

/** An event stored on a master that fewer replicas than asked for confirmed in time. */
export class UnreplicatedError extends Error {
  override readonly name = 'UnreplicatedError';
  /** The id Redis gave the event. */
  readonly id: string;
  /** Replicas that confirmed it. */
  readonly acknowledged: number;
  constructor(id: string, acknowledged: number) {
    super(`stored as ${id} but confirmed by ${acknowledged} replica(s)`);
    this.id = id;
    this.acknowledged = acknowledged;
  }
}

/** How many replicas must confirm a publish (`WAIT`), and how long Redis waits for them. */
export interface ReplicaWait {
  readonly count: number;
  readonly waitMs: number;
}

/** The broker's Lua scripts on one connection. */
export interface Scripts {
  /**
   * Stores and fans out one event; resolves to its id. With `replicas` it then waits (`WAIT`)
   * until that many replicas have it, and rejects with `UnreplicatedError` when fewer do in time.
   */
  publish(
    keys: TopicKeys,
    history: number,
    name: string,
    data: string,
    ttlMs: number,
    replicas: ReplicaWait | undefined,
  ): Promise<string>;
  /** What a replay (or a catch-up) after `afterId` needs, read atomically; see `replayResult`. */
  replay(keys: TopicKeys, afterId: string, history: number): Promise<unknown>;
}

/**
 * Defines the broker's scripts on a connection (once: a client passed in may back several brokers);
 * `sharded` publishes with `SPUBLISH` (Redis Cluster), else with `PUBLISH`.
 */
export function scriptsOn(redis: RedisConnection, sharded: boolean): Scripts {
  const commands = redis as RedisConnection & Partial<ScriptCommands>;
  if (commands.tidingsPublish === undefined)
    redis.defineCommand('tidingsPublish', { numberOfKeys: 2, lua: publishScript('PUBLISH') });
  if (commands.tidingsSpublish === undefined)
    redis.defineCommand('tidingsSpublish', { numberOfKeys: 2, lua: publishScript('SPUBLISH') });
  if (commands.tidingsReplay === undefined)
    redis.defineCommand('tidingsReplay', { numberOfKeys: 2, lua: REPLAY });
  const defined = redis as RedisConnection & ScriptCommands;
  const publishCommand = sharded ? 'tidingsSpublish' : 'tidingsPublish';
  return {
    async publish(keys, history, name, data, ttlMs, replicas) {
      const args: PublishArgs = [keys.events, keys.meta, history, name, data, ttlMs, keys.channel];
      if (!replicas) return defined[publishCommand](...args);
      let stored: [Error | null, unknown] | undefined;
      let waited: [Error | null, unknown] | undefined;
      for (let attempt = 0; ; attempt++) {
        // A pipeline goes to one node, so WAIT counts the replicas of the master that stored the event.
        const pipeline = redis.pipeline() as ChainableCommander & PipelineScriptCommands;
        pipeline[publishCommand](...args).wait(replicas.count, replicas.waitMs);
        [stored, waited] = (await pipeline.exec()) ?? [];
        // ioredis retries a pipeline only when every command failed alike; the script was not run on a
        // node that answered MOVED (a failover the client has not seen yet): learn the slots, send again.
        if (!redis.isCluster || attempt >= 2 || !/^MOVED /.test(stored?.[0]?.message ?? '')) break;
        await new Promise<void>((resolve) => (redis as Cluster).refreshSlotsCache(() => resolve()));
      }
      if (!stored || stored[0]) throw stored?.[0] ?? new Error('Command aborted');
      const id = String(stored[1]);
      if (!waited || waited[0]) throw waited?.[0] ?? new UnreplicatedError(id, 0);
      const acknowledged = Number(waited[1]);
      if (acknowledged < replicas.count) throw new UnreplicatedError(id, acknowledged);
      return id;
    },
    replay: (keys, afterId, history) => defined.tidingsReplay(keys.events, keys.meta, afterId, history),
  };
}
