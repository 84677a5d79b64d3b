import { randomUUID } from 'node:crypto';
import { describeBroker } from '@tidings/server/testing';
import { afterAll, beforeAll } from 'vitest';
import { redisBroker } from './redis-broker.ts';
import { type RedisServerHandle, startRedisServer } from './testing/index.ts';

let redis: RedisServerHandle;
beforeAll(async () => {
  redis = await startRedisServer();
});
afterAll(async () => {
  await redis?.[Symbol.asyncDispose]();
});

describeBroker('redisBroker', async () => {
  const broker = redisBroker({ url: redis.url, keyPrefix: `test-${randomUUID()}:` });
  return { broker, [Symbol.asyncDispose]: () => broker.close() };
});
