import type { Redis } from 'ioredis';

/** Options of `createFeedLeadership`. */
export interface FeedLeadershipOptions {
  /** An ioredis client for the lock (its own connection, or one shared with other commands). */
  redis: Redis;
  /**
   * The lock's key; every instance of one demo uses the same.
   * @default 'tidings-market:feed-leader'
   */
  key?: string | undefined;
  /**
   * How long the lock lives without renewal; a crashed leader is replaced within this.
   * @default 6_000
   */
  ttlMs?: number | undefined;
  /** Called when this instance becomes the leader (`true`) or stops being it (`false`). */
  onChange(leader: boolean): void;
  /**
   * Receives Redis errors; the instance counts as a follower until Redis answers again.
   * @default ignores them
   */
  onError?: ((error: unknown) => void) | undefined;
}

/** This instance's part in the election. */
export interface FeedLeadership extends AsyncDisposable {
  readonly leader: boolean;
  /** Stops campaigning and releases the lock if held. */
  stop(): Promise<void>;
}

// Renew or release only a lock this instance holds (compare-and-set in one script).
const RENEW = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('pexpire', KEYS[1], ARGV[2]) else return 0 end`;
const RELEASE = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end`;

/**
 * Elects one feed simulator among the instances sharing a Redis: a `SET NX PX` lock renewed at a
 * third of its TTL. Two simulators would interleave two random walks on the same symbols.
 */
export function createFeedLeadership(options: FeedLeadershipOptions): FeedLeadership {
  const key = options.key ?? 'tidings-market:feed-leader';
  const ttlMs = options.ttlMs ?? 6_000;
  const token = `${process.pid}-${Math.random().toString(36).slice(2)}`;
  const onError = options.onError ?? (() => {});
  let leader = false;
  let stopped = false;
  let running: Promise<void> = Promise.resolve();

  const set = (next: boolean) => {
    if (next === leader) return;
    leader = next;
    options.onChange(next);
  };

  async function campaign(): Promise<void> {
    try {
      if (leader) {
        set((await options.redis.eval(RENEW, 1, key, token, ttlMs)) === 1);
      } else {
        set((await options.redis.set(key, token, 'PX', ttlMs, 'NX')) === 'OK');
      }
    } catch (error) {
      set(false);
      onError(error);
    }
  }

  running = campaign();
  const timer = setInterval(
    () => {
      running = running.then(campaign);
    },
    Math.max(50, Math.floor(ttlMs / 3)),
  );

  const stop = async () => {
    if (stopped) return;
    stopped = true;
    clearInterval(timer);
    await running;
    if (leader) {
      set(false);
      await options.redis.eval(RELEASE, 1, key, token).catch(onError);
    }
  };
  return {
    get leader() {
      return leader;
    },
    stop,
    [Symbol.asyncDispose]: stop,
  };
}
