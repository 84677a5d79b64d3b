import type { Redis, RedisOptions } from 'ioredis';

/**
 * Options that make a connection fail fast during an outage instead of queueing or resending:
 * a command in flight when the connection drops is rejected, never replayed (a resent publish
 * could store an event twice).
 */
export const FAIL_FAST: Partial<RedisOptions> = {
  enableOfflineQueue: false,
  maxRetriesPerRequest: 0,
  autoResendUnfulfilledCommands: false,
  autoResubscribe: false,
};

/** A Redis connection and whether it has ever been ready, to tell start-up from an outage. */
export interface TrackedConnection {
  readonly redis: Redis;
  /** True once the connection has been ready at least once. */
  readonly everReady: boolean;
  /**
   * Resolves when the connection can take a command now. While it has never connected it waits
   * up to `timeoutMs`; during an outage it rejects at once.
   */
  ready(timeoutMs: number): Promise<void>;
}

/**
 * Tracks a connection's first `ready`; a `peer` connection to the same Redis that was ready and
 * is not (or closes while we wait) tells an outage from a slow first connect.
 */
export function track(redis: Redis, peer?: TrackedConnection): TrackedConnection {
  const peerDown = (): boolean => peer?.everReady === true && peer.redis.status !== 'ready';
  let everReady = redis.status === 'ready';
  redis.on('ready', () => {
    everReady = true;
  });
  /** The wait for the first connection, shared by every call made meanwhile (one set of listeners). */
  let firstConnect: Promise<void> | undefined;
  const waitFirst = (timeoutMs: number): Promise<void> =>
    new Promise<void>((resolve, reject) => {
      const done = (error?: Error): void => {
        clearTimeout(timer);
        redis.off('ready', onReady);
        redis.off('end', onEnd);
        peer?.redis.off('close', onPeerClose);
        firstConnect = undefined;
        if (error) reject(error);
        else resolve();
      };
      const onReady = (): void => done();
      const onEnd = (): void => done(new Error('the connection is closed'));
      const onPeerClose = (): void => done(new Error(`Redis is unreachable (connection ${redis.status})`));
      const timer = setTimeout(
        () => done(new Error(`Redis was not reachable within ${timeoutMs} ms (connection ${redis.status})`)),
        timeoutMs,
      );
      redis.once('ready', onReady);
      redis.once('end', onEnd);
      peer?.redis.once('close', onPeerClose);
    });
  return {
    redis,
    get everReady() {
      return everReady;
    },
    async ready(timeoutMs) {
      if (redis.status === 'ready') return;
      if (redis.status === 'end') throw new Error('the connection is closed');
      if (everReady || peerDown()) throw new Error(`Redis is unreachable (connection ${redis.status})`);
      if (redis.status === 'wait') redis.connect().catch(() => {});
      firstConnect ??= waitFirst(timeoutMs);
      await firstConnect;
    },
  };
}

/**
 * Waits for a connection's `ready`, sharing one listener among every waiter (after an outage,
 * every live topic waits at once), until `signal` aborts; `next` also resolves after `timeoutMs`.
 * It never rejects.
 */
export function readyWaiter(redis: Redis, signal: AbortSignal) {
  let ready: Promise<void> | undefined;
  const aborted = new Promise<void>((resolve) =>
    signal.addEventListener('abort', () => resolve(), { once: true }),
  );
  const nextReady = (): Promise<void> =>
    (ready ??= new Promise<void>((resolve) =>
      redis.once('ready', () => {
        ready = undefined;
        resolve();
      }),
    ));
  return {
    /** Resolves at once when the connection is ready, else at its next `ready`. */
    until(): Promise<void> {
      if (redis.status === 'ready' || signal.aborted) return Promise.resolve();
      return Promise.race([nextReady(), aborted]);
    },
    /** Resolves at the connection's next `ready`, or after `timeoutMs`. */
    async next(timeoutMs: number): Promise<void> {
      if (signal.aborted) return;
      let timer: ReturnType<typeof setTimeout> | undefined;
      const elapsed = new Promise<void>((resolve) => {
        timer = setTimeout(resolve, timeoutMs);
      });
      await Promise.race([nextReady(), aborted, elapsed]);
      clearTimeout(timer);
    },
  };
}

const CONNECTION_ERRORS =
  /enableOfflineQueue|max retries per request|Connection is closed|Command aborted|Command timed out|ECONNRESET|ECONNREFUSED|EPIPE/i;

/** True for the errors ioredis raises when the connection is down or a command got no answer. */
export function isConnectionError(error: unknown): boolean {
  return error instanceof Error && CONNECTION_ERRORS.test(error.message);
}

/** Says in plain words what an ioredis connection error means. */
export function describeRedisError(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  if (/enableOfflineQueue|Connection is closed/i.test(message))
    return 'Redis is unreachable (connection lost)';
  if (/max retries per request|Command aborted/i.test(message)) {
    return 'Redis is unreachable (the connection dropped before it answered)';
  }
  if (/Command timed out/i.test(message)) return 'Redis did not answer within commandTimeoutMs';
  return message;
}
