import { startRedisServer } from '@tidings/redis/testing';

/** A private redis-server for the Redis target. */
export interface BenchRedis {
  url: string;
  close(): Promise<void>;
}

/** Starts a private redis-server (persistence off) on a free loopback port. */
export async function startBenchRedis(): Promise<BenchRedis> {
  const server = await startRedisServer();
  return { url: server.url, close: () => server.kill() };
}
