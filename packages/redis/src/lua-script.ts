import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';

/** A Lua script run by `EVALSHA`, sent in full only when Redis does not have it cached yet. */
export interface LuaScript {
  run(client: Redis, keys: readonly string[], args: readonly (string | number)[]): Promise<unknown>;
}

/** Wraps a Lua source; the first call on a fresh (or restarted) Redis falls back to `EVAL`. */
export function luaScript(source: string): LuaScript {
  const sha = createHash('sha1').update(source).digest('hex');
  return {
    async run(client, keys, args) {
      try {
        return await client.evalsha(sha, keys.length, ...keys, ...args);
      } catch (error) {
        if (!(error instanceof Error) || !error.message.startsWith('NOSCRIPT')) throw error;
        return await client.eval(source, keys.length, ...keys, ...args);
      }
    },
  };
}
