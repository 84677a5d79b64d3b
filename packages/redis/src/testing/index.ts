/**
 * Test helpers for code that runs on `@tidings/redis`: a throw-away `redis-server` per test.
 */
export type { RedisServerHandle, StartRedisServerOptions } from './redis-server.ts';
export { startRedisServer } from './redis-server.ts';
