import type { Broker } from '@tidings/server';
import type { Redis } from 'ioredis';
import { describe, expectTypeOf, it } from 'vitest';
import { type RedisBrokerOptions, redisBroker } from './index.ts';

declare const client: Redis;

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

  it('accepts options forwarded as undefined', () => {
    const forwarded: RedisBrokerOptions = { url: undefined, keyPrefix: undefined, onError: undefined };
    expectTypeOf(forwarded).toMatchTypeOf<RedisBrokerOptions>();
  });
});
