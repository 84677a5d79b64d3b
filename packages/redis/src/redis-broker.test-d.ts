import type { Broker } from '@tidings/server';
import type { Cluster, Redis } from 'ioredis';
import { describe, expectTypeOf, it } from 'vitest';
import { type RedisBrokerOptions, redisBroker } from './index.ts';

declare const client: Redis;
declare const cluster: Cluster;

describe('redisBroker types', () => {
  it('returns a Broker and takes a url or a client, not both', () => {
    expectTypeOf(redisBroker).returns.toEqualTypeOf<Broker>();
    expectTypeOf(redisBroker).toBeCallableWith({ url: 'redis://127.0.0.1:6379', keyPrefix: 'app:' });
    expectTypeOf(redisBroker).toBeCallableWith({ client, historyTtlMs: 60_000 });
    expectTypeOf(redisBroker).toBeCallableWith();
    // @ts-expect-error url and client are exclusive
    redisBroker({ url: 'redis://127.0.0.1:6379', client });
    // @ts-expect-error historyTtlMs is a number of milliseconds
    redisBroker({ historyTtlMs: '10m' });
    // @ts-expect-error client must be an ioredis client
    redisBroker({ client: 'redis://127.0.0.1:6379' });
  });

  it('takes a Redis Cluster as nodes or as an ioredis Cluster', () => {
    expectTypeOf(redisBroker).toBeCallableWith({
      cluster: [{ host: '127.0.0.1', port: 7000 }, '127.0.0.1:7001', 7002],
      clusterOptions: { redisOptions: { password: 'secret' } },
      waitForReplicas: 1,
    });
    expectTypeOf(redisBroker).toBeCallableWith({ client: cluster, keyPrefix: 'app:' });
    // @ts-expect-error cluster and url are exclusive
    redisBroker({ cluster: [7000], url: 'redis://127.0.0.1:6379' });
    // @ts-expect-error cluster and client are exclusive
    redisBroker({ cluster: [7000], client });
    // @ts-expect-error clusterOptions needs cluster
    redisBroker({ url: 'redis://127.0.0.1:6379', clusterOptions: {} });
    // @ts-expect-error waitForReplicas is a count
    redisBroker({ cluster: [7000], waitForReplicas: true });
  });

  it('accepts options forwarded as undefined', () => {
    const forwarded: RedisBrokerOptions = { url: undefined, keyPrefix: undefined, onError: undefined };
    expectTypeOf(forwarded).toMatchTypeOf<RedisBrokerOptions>();
  });
});
