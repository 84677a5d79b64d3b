/**
 * `pnpm demo`: the market example on `PORT` (default 3000).
 * With `REDIS_URL`, events go through Redis, so a second instance (`PORT=3001 pnpm demo`)
 * serves the same streams; the instances elect one feed simulator through a Redis lock.
 */
import type { Broker } from '@tidings/server';
import { type MarketServerOptions, startMarketServer } from './market-server.ts';

const port = Number(process.env['PORT'] ?? 3000);
const host = process.env['HOST'] ?? '127.0.0.1';
const redisUrl = process.env['REDIS_URL'];
const cleanups: (() => Promise<unknown>)[] = [];
const onError = (error: unknown) => console.error(error instanceof Error ? error.message : error);

let broker: Broker | undefined;
let leader: MarketServerOptions['leader'];
if (redisUrl) {
  const [{ redisBroker }, { Redis }] = await Promise.all([import('@tidings/redis'), import('ioredis')]);
  const redis = new Redis(redisUrl, { maxRetriesPerRequest: 1 });
  redis.on('error', onError);
  broker = redisBroker({ url: redisUrl, keyPrefix: 'tidings-market:', onError });
  leader = { redis };
  cleanups.push(
    () => broker!.close(),
    () => redis.quit(),
  );
}

const server = await startMarketServer({ port, host, broker, leader, feed: { onError } });
const mode = redisUrl ? `Redis broker at ${redisUrl}` : 'memory broker';
console.log(`Market demo on ${server.url}  (${mode}; Ctrl-C to stop)`);

let stopping = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (stopping) process.exit(1);
    stopping = true;
    server
      .close()
      .then(() => Promise.all(cleanups.map((cleanup) => cleanup())))
      .then(
        () => process.exit(0),
        (error: unknown) => {
          onError(error);
          process.exit(1);
        },
      );
  });
}
