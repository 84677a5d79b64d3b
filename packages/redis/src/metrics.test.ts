import { createHub } from '@tidings/server';
import { market } from '@tidings/test-kit/contract';
import { metricsReader } from '@tidings/test-kit/metrics';
import { serverResource } from '@tidings/test-kit/server';
import { openSse } from '@tidings/test-kit/sse';
import { describe, expect, it, vi } from 'vitest';
import { brokerResource } from './test-support/resources.ts';
import { startRedisServer } from './testing/index.ts';

const WAIT = { timeout: 20_000, interval: 10 };

/**
 * The metrics a broker drives, on Redis (the server package proves every other metric on the
 * memory broker and on a broker that reports as a networked one does): publish latency, reconnects
 * and outage time, and the hub's own metrics with Redis under them.
 */
describe('OpenTelemetry metrics on redisBroker', () => {
  it('tidings.broker.publish.duration per publish; events, frames, delivery and replays as on any broker', async () => {
    await using redis = await startRedisServer();
    await using broker = brokerResource(redis.url);
    await using reader = metricsReader();
    const hub = createHub(market, { broker, meterProvider: reader.provider });
    await using server = await serverResource(hub);
    await using stream = await openSse(`${server.url}/ticker/ACME`);
    await stream.when(() => stream.retries.length === 1, 'the stream open');

    const first = await hub.streams.ticker.emit({ symbol: 'ACME' }, 'quote', { price: 1 });
    await hub.streams.ticker.emit({ symbol: 'ACME' }, 'quote', { price: 2 });
    await hub.streams.ticker.emit({ symbol: 'ACME' }, 'halted', { reason: 'news' });
    await stream.until(3);
    const publish = await reader.histogram('tidings.broker.publish.duration');
    expect(publish?.count).toBe(3);
    expect(publish?.sum).toBeGreaterThan(0);
    expect(await reader.value('tidings.events.emitted', { stream: 'ticker', event: 'quote' })).toBe(2);
    expect(await reader.value('tidings.events.emitted', { stream: 'ticker', event: 'halted' })).toBe(1);
    expect(await reader.value('tidings.frames.written', { stream: 'ticker' })).toBeGreaterThanOrEqual(3);
    expect(
      (await reader.histogram('tidings.delivery.duration', { stream: 'ticker' }))?.count,
    ).toBeGreaterThan(0);

    await using resumed = await openSse(`${server.url}/ticker/ACME`, { 'last-event-id': first });
    await resumed.until(2);
    expect(await reader.value('tidings.replays', { stream: 'ticker' })).toBe(1);
    expect((await reader.histogram('tidings.replay.size', { stream: 'ticker' }))?.sum).toBe(2);
  });

  it('tidings.broker.reconnects and tidings.broker.outage.duration: a Redis killed and restarted is one outage, one reconnect', async () => {
    await using redis = await startRedisServer();
    await using broker = brokerResource(redis.url);
    await using reader = metricsReader();
    const hub = createHub(market, { broker, meterProvider: reader.provider });
    await using _server = await serverResource(hub);
    await hub.streams.announcements.emit('notice', { text: 'before' });
    expect(await reader.value('tidings.broker.reconnects')).toBe(0);
    expect(await reader.value('tidings.broker.outage.duration')).toBe(0);

    await redis.kill();
    // The outage counts while it lasts.
    await vi.waitFor(
      async () => expect(await reader.value('tidings.broker.outage.duration')).toBeGreaterThan(0),
      WAIT,
    );
    expect(await reader.value('tidings.broker.reconnects')).toBe(0);
    await redis.restart();
    await vi.waitFor(async () => expect(await reader.value('tidings.broker.reconnects')).toBe(1), WAIT);
    const outage = await reader.value('tidings.broker.outage.duration');
    expect(outage).toBeGreaterThan(0);
    // Over: the figure stays where the outage ended.
    await hub.streams.announcements.emit('notice', { text: 'after' });
    expect(await reader.value('tidings.broker.outage.duration')).toBe(outage);
    expect(await reader.value('tidings.broker.reconnects')).toBe(1);
  });
});
