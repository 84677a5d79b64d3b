import type { Cluster, ClusterOptions, Redis, RedisOptions } from 'ioredis';

/** A connection the broker sends commands on: one Redis, or a Redis Cluster. */
export type RedisConnection = Redis | Cluster;

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

/**
 * `FAIL_FAST` for a Redis Cluster: no resend of a command whose connection dropped
 * (`retryDelayOnFailover: 0`); redirections (`MOVED`, `ASK`) and `CLUSTERDOWN` are still retried,
 * as Redis did not run those commands. The offline queue stays on: with it off, ioredis fails every
 * command sent while the connection to a node is still opening, and the broker itself refuses
 * calls while the cluster is not ready.
 */
export function clusterFailFast(options: ClusterOptions, commandTimeout: number): ClusterOptions {
  return {
    ...options,
    enableOfflineQueue: true,
    retryDelayOnFailover: 0,
    redisOptions: { ...options.redisOptions, ...FAIL_FAST, commandTimeout },
  };
}

/** A Redis connection and whether it has ever been ready, to tell start-up from an outage. */
export interface TrackedConnection<TConnection extends RedisConnection = RedisConnection> {
  readonly redis: TConnection;
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
 * is not (or closes while we wait) tells an outage from a slow first connect. With `failOnClose`
 * a first connection attempt that fails ends the wait at once (a node known to exist is down).
 */
export function track<TConnection extends RedisConnection>(
  redis: TConnection,
  peer?: TrackedConnection,
  failOnClose = false,
): TrackedConnection<TConnection> {
  const peerDown = (): boolean => peer?.everReady === true && peer.redis.status !== 'ready';
  let everReady = redis.status === 'ready';
  redis.on('ready', () => {
    everReady = true;
  });
  /** The wait for the first connection, shared by every call made meanwhile (one set of listeners). */
  let firstConnect: Promise<void> | undefined;
  const waitFirst = (timeoutMs: number): Promise<void> =>
    new Promise<void>((resolve, reject) => {
      let lastError = '';
      const done = (error?: Error): void => {
        clearTimeout(timer);
        redis.off('ready', onReady);
        redis.off('error', onError);
        redis.off('end', onEnd);
        redis.off('close', onClose);
        peer?.redis.off('close', onPeerClose);
        firstConnect = undefined;
        if (error) reject(error);
        else resolve();
      };
      const onReady = (): void => done();
      const onError = (error: unknown): void => {
        // ioredis's Cluster wraps the node's own answer ("cluster support disabled", say).
        const cause = (error as { lastNodeError?: unknown }).lastNodeError ?? error;
        lastError = `; last error: ${cause instanceof Error ? cause.message : String(cause)}`;
      };
      const onEnd = (): void => done(new Error('the connection is closed'));
      const onPeerClose = (): void => done(new Error(`Redis is unreachable (connection ${redis.status})`));
      const onClose = (): void => done(new Error('Redis is unreachable (connection refused or lost)'));
      const timer = setTimeout(
        () =>
          done(
            new Error(
              `Redis was not reachable within ${timeoutMs} ms (connection ${redis.status}${lastError})`,
            ),
          ),
        timeoutMs,
      );
      redis.once('ready', onReady);
      redis.on('error', onError);
      redis.once('end', onEnd);
      if (failOnClose) redis.once('close', onClose);
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
export function readyWaiter(redis: RedisConnection, signal: AbortSignal) {
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
  /enableOfflineQueue|max retries per request|Connection is closed|Command aborted|Command timed out|ECONNRESET|ECONNREFUSED|EPIPE|CLUSTERDOWN|TRYAGAIN|Too many Cluster redirections|Cluster isn't ready|None of startup nodes|Cluster is (ended|disconnect)|Failed to refresh slots cache/i;

/** True for the errors ioredis raises when the connection is down or a command got no answer. */
export function isConnectionError(error: unknown): boolean {
  return error instanceof Error && CONNECTION_ERRORS.test(error.message);
}

/** Says in plain words what an ioredis connection error means. */
export function describeRedisError(error: unknown): string {
  let message = error instanceof Error ? error.message : String(error);
  // ioredis wraps the error that made a Cluster give up: describe that one.
  message = message.replace(/^Too many Cluster redirections\. Last error: (?:\w*Error: )?/, '');
  if (/CLUSTERDOWN/.test(message))
    return 'the Redis Cluster is down (a master failed and no replica has taken over yet)';
  if (/Cluster isn't ready|None of startup nodes|Cluster is (ended|disconnect)/i.test(message))
    return 'the Redis Cluster is unreachable (not connected)';
  if (/cluster support disabled/i.test(message))
    return 'this Redis is not a cluster node (cluster support disabled); connect to it with url, not cluster';
  if (/unknown command .?(spublish|ssubscribe)/i.test(message))
    return 'this Redis has no sharded pub/sub; a Redis Cluster needs Redis 7 or newer';
  if (/enableOfflineQueue|Connection is closed/i.test(message))
    return 'Redis is unreachable (connection lost)';
  if (/max retries per request|Command aborted/i.test(message)) {
    return 'Redis is unreachable (the connection dropped before it answered)';
  }
  if (/Command timed out/i.test(message)) return 'Redis did not answer within commandTimeoutMs';
  return message;
}
