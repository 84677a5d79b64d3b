/**
 * Test helpers for code that runs on `@tidings/redis`: a throw-away `redis-server` or Redis Cluster per test.
 */
export type { RedisClusterHandle, StartRedisClusterOptions } from './redis-cluster.ts';
export { startRedisCluster } from './redis-cluster.ts';
export type { RedisServerHandle, StartRedisServerOptions } from './redis-server.ts';
export { startRedisServer } from './redis-server.ts';
