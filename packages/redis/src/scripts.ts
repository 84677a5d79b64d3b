import type { Redis } from 'ioredis';
import type { TopicKeys } from './keys.ts';

/**
 * Appends one event and fans it out, atomically, so every instance sees a topic's events in id
 * order. KEYS: events stream, meta hash. ARGV: history, name, data, ttl ms, channel.
 * The meta hash keeps the first id of the stream's lifetime (everything after it is vouched for
 * until trimming) and the last id issued.
 */
const PUBLISH = `
local fresh = redis.call('EXISTS', KEYS[1]) == 0
local id = redis.call('XADD', KEYS[1], 'MAXLEN', '~', ARGV[1], '*', 'n', ARGV[2], 'd', ARGV[3])
if fresh then
  redis.call('HSET', KEYS[2], 'first', id, 'last', id)
else
  redis.call('HSET', KEYS[2], 'last', id)
end
redis.call('PEXPIRE', KEYS[1], ARGV[4])
redis.call('PEXPIRE', KEYS[2], ARGV[4])
redis.call('PUBLISH', ARGV[5], id .. '\\n' .. ARGV[2] .. '\\n' .. ARGV[3])
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

/** The broker's scripts as ioredis commands (`defineCommand`: EVALSHA, and EVAL when Redis lacks the script). */
interface ScriptCommands {
  tidingsPublish(
    events: string,
    meta: string,
    history: number,
    name: string,
    data: string,
    ttlMs: number,
    channel: string,
  ): Promise<string>;
  tidingsReplay(events: string, meta: string, afterId: string, history: number): Promise<unknown>;
}

/** The broker's Lua scripts on one connection. */
export interface Scripts {
  /** Stores and fans out one event; resolves to its id. */
  publish(keys: TopicKeys, history: number, name: string, data: string, ttlMs: number): Promise<string>;
  /** What a replay (or a catch-up) after `afterId` needs, read atomically; see `replayResult`. */
  replay(keys: TopicKeys, afterId: string, history: number): Promise<unknown>;
}

/** Defines the broker's scripts on a connection (once: a client passed in may back several brokers). */
export function scriptsOn(redis: Redis): Scripts {
  const commands = redis as Redis & Partial<ScriptCommands>;
  if (commands.tidingsPublish === undefined)
    redis.defineCommand('tidingsPublish', { numberOfKeys: 2, lua: PUBLISH });
  if (commands.tidingsReplay === undefined)
    redis.defineCommand('tidingsReplay', { numberOfKeys: 2, lua: REPLAY });
  const defined = redis as Redis & ScriptCommands;
  return {
    publish: (keys, history, name, data, ttlMs) =>
      defined.tidingsPublish(keys.events, keys.meta, history, name, data, ttlMs, keys.channel),
    replay: (keys, afterId, history) => defined.tidingsReplay(keys.events, keys.meta, afterId, history),
  };
}
