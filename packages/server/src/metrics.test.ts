import { metrics } from '@opentelemetry/api';
import { defineContract, defineStream } from '@tidings/contract';
import { encodeEvent, type MultiplexEntry, topicKey } from '@tidings/contract/wire';
import { market } from '@tidings/test-kit/contract';
import { metricsReader } from '@tidings/test-kit/metrics';
import { getRequest, rawSocket } from '@tidings/test-kit/raw-socket';
import { serverResource } from '@tidings/test-kit/server';
import { openSse } from '@tidings/test-kit/sse';
import { within } from '@tidings/test-kit/wait';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import type { Broker } from './broker.ts';
import { createHub } from './create-hub.ts';
import { hubMetricsOf } from './hub-metrics.ts';
import type { HubOptions } from './hub-types.ts';
import { memoryBroker } from './memory-broker.ts';
import { reportingBroker } from './test-support/reporting-broker.ts';

const WAIT = { timeout: 10_000, interval: 5 };
const mux = (entries: readonly MultiplexEntry[]) =>
  `/@tidings?s=${encodeURIComponent(JSON.stringify(entries))}`;

/** A hub on an SDK meter provider whose metrics the test reads, served on 127.0.0.1. */
async function metered(options: HubOptions<typeof market> = {}) {
  const reader = metricsReader();
  const hub = createHub(market, { meterProvider: reader.provider, ...options });
  const server = await serverResource(hub);
  return {
    hub,
    server,
    url: server.url,
    value: reader.value,
    histogram: reader.histogram,
    async [Symbol.asyncDispose]() {
      await server[Symbol.asyncDispose]();
      await reader[Symbol.asyncDispose]();
    },
  };
}

/**
 * Each metric changes when its event happens. The broker-independent ones run on the memory broker;
 * those a broker drives (live gaps, publish latency, reconnects, outage time) on a broker that
 * reports them as a networked one does. `@tidings/redis` runs the broker-driven ones on Redis.
 */
/** A broker for one test, closed after the server that uses it. */
function ownedMemoryBroker(): { broker: Broker } & AsyncDisposable {
  const broker = memoryBroker();
  return { broker, [Symbol.asyncDispose]: () => broker.close() };
}

describe.each([
  ['memoryBroker', ownedMemoryBroker],
  ['a broker that reports (as a networked one does)', () => reportingBroker()],
] as const)(
  'OpenTelemetry metrics on %s',
  (_name, makeBroker: () => { broker: Broker } & AsyncDisposable) => {
    it('tidings.connections and tidings.subscriptions: up when streams open, down when they close; a multiplexed connection under "*"', async () => {
      await using owned = makeBroker();
      const { broker } = owned;
      await using t = await metered({ broker });
      expect(await t.value('tidings.connections', { stream: 'ticker' })).toBe(0);
      expect(await t.value('tidings.subscriptions', { stream: 'ticker' })).toBe(0);

      await using plain = await openSse(`${t.url}/ticker/ACME`);
      await plain.when(() => plain.retries.length === 1, 'the plain stream open');
      expect(await t.value('tidings.connections', { stream: 'ticker' })).toBe(1);
      expect(await t.value('tidings.subscriptions', { stream: 'ticker' })).toBe(1);

      await using multiplexed = await openSse(
        `${t.url}${mux([
          { k: 'a', s: 'ticker', p: { symbol: 'ACME' } },
          { k: 'b', s: 'room', p: { room: 'lobby' } },
        ])}`,
      );
      await multiplexed.until(4); // two acknowledgements, two positions
      expect(await t.value('tidings.connections', { stream: '*' })).toBe(1);
      expect(await t.value('tidings.connections', { stream: 'ticker' })).toBe(1);
      expect(await t.value('tidings.subscriptions', { stream: 'ticker' })).toBe(2);
      expect(await t.value('tidings.subscriptions', { stream: 'room' })).toBe(1);

      plain.close();
      multiplexed.close();
      await vi.waitFor(() => expect(t.hub.stats().connections).toBe(0), WAIT);
      expect(await t.value('tidings.connections', { stream: 'ticker' })).toBe(0);
      expect(await t.value('tidings.connections', { stream: '*' })).toBe(0);
      expect(await t.value('tidings.subscriptions', { stream: 'ticker' })).toBe(0);
    });

    it('tidings.events.emitted, tidings.frames.written and tidings.bytes.written: per event, one frame and its bytes per connection', async () => {
      await using owned = makeBroker();
      const { broker } = owned;
      await using t = await metered({ broker });
      await using a = await openSse(`${t.url}/ticker/ACME`);
      await using b = await openSse(`${t.url}/ticker/ACME`);
      await a.when(() => a.retries.length === 1, 'a open');
      await b.when(() => b.retries.length === 1, 'b open');

      const id = await t.hub.streams.ticker.emit({ symbol: 'ACME' }, 'quote', { price: 1 });
      await a.until(1);
      await b.until(1);
      expect(await t.value('tidings.events.emitted', { stream: 'ticker', event: 'quote' })).toBe(1);
      expect(await t.value('tidings.events.emitted', { stream: 'ticker', event: 'halted' })).toBe(0);
      expect(await t.value('tidings.frames.written', { stream: 'ticker' })).toBe(2);
      expect(await t.value('tidings.bytes.written', { stream: 'ticker' })).toBe(
        2 * Buffer.byteLength(encodeEvent(id, 'quote', '{"price":1}')),
      );

      // Emitted with nobody listening: counted as emitted, no frame.
      await t.hub.streams.announcements.emit('notice', { text: 'hi' });
      expect(await t.value('tidings.events.emitted', { stream: 'announcements', event: 'notice' })).toBe(1);
      expect(await t.value('tidings.frames.written', { stream: 'announcements' })).toBe(0);
    });

    it('tidings.replays, tidings.gaps{cause=resume} and tidings.replay.size: a resume, and one older than the history kept', async () => {
      await using owned = makeBroker();
      const { broker } = owned;
      await using t = await metered({ broker });
      const ids: string[] = [];
      for (let i = 0; i < 5; i++)
        ids.push(await t.hub.streams.announcements.emit('notice', { text: `n${i}` }));

      // announcements keeps 3: after the first id, the second is gone.
      await using gapped = await openSse(`${t.url}/announcements`, { 'last-event-id': ids[0]! });
      await gapped.until(4);
      expect(gapped.events[0]?.event).toBe('gap');
      expect(await t.value('tidings.replays', { stream: 'announcements' })).toBe(1);
      expect(await t.value('tidings.gaps', { stream: 'announcements', cause: 'resume' })).toBe(1);
      expect(await t.value('tidings.gaps', { stream: 'announcements', cause: 'live' })).toBe(0);
      expect(await t.histogram('tidings.replay.size', { stream: 'announcements' })).toMatchObject({
        count: 1,
        sum: 3,
      });

      await using resumed = await openSse(`${t.url}/announcements`, { 'last-event-id': ids[3]! });
      await resumed.until(1);
      expect(await t.value('tidings.replays', { stream: 'announcements' })).toBe(2);
      expect(await t.value('tidings.gaps', { stream: 'announcements', cause: 'resume' })).toBe(1);
      expect(await t.histogram('tidings.replay.size', { stream: 'announcements' })).toMatchObject({
        count: 2,
        sum: 4,
      });
      // The gap frame and the four replayed events.
      expect(await t.value('tidings.frames.written', { stream: 'announcements' })).toBe(5);
    });

    it('tidings.delivery.duration: one sample per batch written (a turn of one topic), recorded once the batch is on the sockets', async () => {
      await using owned = makeBroker();
      const { broker } = owned;
      await using t = await metered({ broker });
      await using a = await openSse(`${t.url}/ticker/ACME`);
      await a.when(() => a.retries.length === 1, 'open');
      expect(await t.histogram('tidings.delivery.duration', { stream: 'ticker' })).toBeUndefined();

      await t.hub.streams.ticker.emit({ symbol: 'ACME' }, 'quote', { price: 1 });
      await a.until(1);
      const first = await t.histogram('tidings.delivery.duration', { stream: 'ticker' });
      expect(first?.count).toBe(1);

      // Three events in one turn are one batch: one sample, of its oldest event.
      await Promise.all(
        [1, 2, 3].map((price) => t.hub.streams.ticker.emit({ symbol: 'ACME' }, 'quote', { price })),
      );
      await a.until(4);
      const second = await t.histogram('tidings.delivery.duration', { stream: 'ticker' });
      expect(second?.count).toBe(2);
      expect(second?.sum).toBeGreaterThanOrEqual(0);
      expect(second?.buckets.counts.reduce((sum, n) => sum + n, 0)).toBe(2);
    });

    it('tidings.validation.failures: emit payloads and params (source "emit"), request params and query (source "request")', async () => {
      await using owned = makeBroker();
      const { broker } = owned;
      await using t = await metered({ broker });
      const emit = t.hub.streams.ticker.emit;
      await expect(emit({ symbol: 'ACME' }, 'quote', { price: 'high' } as never)).rejects.toThrow(
        /invalid payload/,
      );
      expect(
        await t.value('tidings.validation.failures', { stream: 'ticker', event: 'quote', source: 'emit' }),
      ).toBe(1);
      expect(
        await t.value('tidings.validation.failures', { stream: 'ticker', event: 'halted', source: 'emit' }),
      ).toBe(0);

      await expect(emit({ symbol: 'lower' }, 'quote', { price: 1 })).rejects.toThrow(/invalid params/);
      expect(await t.value('tidings.validation.failures', { stream: 'ticker', source: 'emit' })).toBe(1);
      expect(await t.value('tidings.events.emitted', { stream: 'ticker', event: 'quote' })).toBe(0);

      expect((await t.server.app.inject({ url: '/streams/ticker/lower' })).statusCode).toBe(400);
      expect((await t.server.app.inject({ url: '/streams/ticker/ACME?depth=500' })).statusCode).toBe(400);
      expect(await t.value('tidings.validation.failures', { stream: 'ticker', source: 'request' })).toBe(2);

      // An invalid entry of a multiplexed list counts under its own stream.
      await using list = await openSse(`${t.url}${mux([{ k: 'x', s: 'ticker', p: { symbol: '1' } }])}`);
      await list.until(1);
      expect(await t.value('tidings.validation.failures', { stream: 'ticker', source: 'request' })).toBe(3);
    });

    it('tidings.slow_consumer.disconnects: a stuck plain stream under its stream, a stuck multiplexed one under "*"', async () => {
      await using owned = makeBroker();
      const { broker } = owned;
      await using t = await metered({ broker, maxBufferedBytes: 64 * 1024 });
      await using good = await openSse(`${t.url}/rooms/lobby`, {}, { retain: false });
      await using stuckPlain = await rawSocket(t.server.port, getRequest('/streams/rooms/lobby'), {
        read: false,
      });
      await using stuckMux = await rawSocket(
        t.server.port,
        getRequest(`/streams${mux([{ k: 'r', s: 'room', p: { room: 'lobby' } }])}`),
        { read: false },
      );
      await vi.waitFor(() => expect(t.hub.stats().connections).toBe(3), WAIT);

      const text = 'x'.repeat(16 * 1024);
      let emitted = 0;
      // Kernel buffers take a few MB per socket before the server holds anything: bounded at 128 MB.
      for (let batch = 0; batch < 512 && t.hub.stats().slowConsumerDisconnects < 2; batch++) {
        await Promise.all(
          Array.from({ length: 16 }, () => t.hub.streams.room.emit({ room: 'lobby' }, 'say', { text })),
        );
        emitted += 16;
        await new Promise((resolve) => setImmediate(resolve));
        await good.until(emitted, 30_000);
      }
      expect(t.hub.stats().slowConsumerDisconnects).toBe(2);
      expect(await t.value('tidings.slow_consumer.disconnects', { stream: 'room' })).toBe(1);
      expect(await t.value('tidings.slow_consumer.disconnects', { stream: '*' })).toBe(1);
      expect(await t.value('tidings.slow_consumer.disconnects', { stream: 'ticker' })).toBe(0);
      expect(await t.value('tidings.connections', { stream: 'room' })).toBe(1);
      for (const stuck of [stuckPlain, stuckMux]) {
        stuck.socket.resume();
        await within(stuck.closed, 10_000, 'the server to cut a stuck socket');
      }
    }, 60_000);

    it('tidings.contract.mismatches and tidings.authorize.refusals: per stream, the multiplexed route under "*"', async () => {
      await using owned = makeBroker();
      const { broker } = owned;
      await using t = await metered({
        broker,
        onContractMismatch: 'reject',
        authorize: ({ stream, params }) => {
          if (stream === 'ticker' && params.symbol === 'OOPS')
            throw Object.assign(new Error('no'), { statusCode: 401 });
          return !(stream === 'ticker' && params.symbol === 'NOPE');
        },
      });
      const inject = (url: string, headers: Record<string, string> = {}) =>
        t.server.app.inject({ url: `/streams${url}`, headers }).then((response) => response.statusCode);

      expect(await inject('/ticker/ACME', { 'x-tidings-contract': 'stale' })).toBe(409);
      expect(await inject(`${mux([{ k: 'a', s: 'room', p: { room: 'x' } }])}&contract=stale`)).toBe(409);
      expect(await t.value('tidings.contract.mismatches', { stream: 'ticker' })).toBe(1);
      expect(await t.value('tidings.contract.mismatches', { stream: '*' })).toBe(1);
      expect(await t.value('tidings.contract.mismatches', { stream: 'room' })).toBe(0);

      expect(await inject('/ticker/NOPE')).toBe(403);
      expect(await inject('/ticker/OOPS')).toBe(401);
      expect(await t.value('tidings.authorize.refusals', { stream: 'ticker' })).toBe(2);
      await using list = await openSse(
        `${t.url}${mux([
          { k: 'a', s: 'ticker', p: { symbol: 'NOPE' } },
          { k: 'b', s: 'room', p: { room: 'x' } },
        ])}`,
      );
      await list.until(3); // the refusal, then room's acknowledgement and position
      expect(await t.value('tidings.authorize.refusals', { stream: 'ticker' })).toBe(3);
      expect(await t.value('tidings.authorize.refusals', { stream: 'room' })).toBe(0);
    });
  },
);

describe('OpenTelemetry metrics a broker drives', () => {
  it('tidings.live_gaps and tidings.gaps{cause=live}: a hole the broker reports, one gap frame per subscription', async () => {
    await using reporting = reportingBroker();
    await using t = await metered({ broker: reporting.broker });
    await using a = await openSse(`${t.url}/ticker/ACME`);
    await using b = await openSse(`${t.url}/ticker/ACME`);
    await a.when(() => a.retries.length === 1, 'a open');
    await b.when(() => b.retries.length === 1, 'b open');

    reporting.loseEvents(topicKey('ticker', { symbol: 'ACME' }), {
      lastEventId: '1-0',
      oldestAvailableId: '9-0',
    });
    await a.until(1);
    await b.until(1);
    expect(a.events[0]?.event).toBe('gap');
    expect(await t.value('tidings.live_gaps', { stream: 'ticker' })).toBe(1);
    expect(await t.value('tidings.gaps', { stream: 'ticker', cause: 'live' })).toBe(2);
    expect(await t.value('tidings.gaps', { stream: 'ticker', cause: 'resume' })).toBe(0);
    expect(await t.value('tidings.frames.written', { stream: 'ticker' })).toBe(2);
  });

  it('tidings.broker.publish.duration, tidings.broker.reconnects and tidings.broker.outage.duration (the current outage included)', async () => {
    await using reporting = reportingBroker({ publishSeconds: 0.004 });
    const reader = metricsReader();
    await using _reader = reader;
    const hub = createHub(market, { broker: reporting.broker, meterProvider: reader.provider });
    expect(reporting.observers.size).toBe(1);

    await hub.streams.announcements.emit('notice', { text: 'hi' });
    await hub.streams.announcements.emit('notice', { text: 'again' });
    expect(await reader.histogram('tidings.broker.publish.duration')).toMatchObject({ count: 2, sum: 0.008 });

    vi.useFakeTimers({ toFake: ['performance'] });
    try {
      expect(await reader.value('tidings.broker.outage.duration')).toBe(0);
      reporting.disconnect();
      vi.advanceTimersByTime(1_500);
      expect(await reader.value('tidings.broker.outage.duration')).toBeCloseTo(1.5, 6);
      reporting.disconnect(); // the same outage
      vi.advanceTimersByTime(500);
      reporting.reconnect();
      vi.advanceTimersByTime(10_000);
      expect(await reader.value('tidings.broker.outage.duration')).toBeCloseTo(2, 6);
      expect(await reader.value('tidings.broker.reconnects')).toBe(1);
      reporting.reconnect(); // not an outage: not a reconnect
      expect(await reader.value('tidings.broker.reconnects')).toBe(1);
    } finally {
      vi.useRealTimers();
    }
    await hub.close();
    expect(reporting.observers.size).toBe(0);
  });
});

describe('OpenTelemetry metrics of handlers', () => {
  const qa = defineContract({
    answer: defineStream({
      path: '/answers/:id',
      events: { token: z.object({ text: z.string() }), done: z.object({}) },
    }),
  });

  it('a handler’s yields count as emitted events and frames; an invalid one as a validation failure (source "handler")', async () => {
    const reader = metricsReader();
    await using _reader = reader;
    await using hub = createHub(qa, {
      meterProvider: reader.provider,
      handlers: {
        answer: async function* () {
          yield { event: 'token', data: { text: 'a' } };
          yield { event: 'token', data: { text: 1 } as never };
        },
      },
    });
    await using server = await serverResource(hub, { fastify: { logger: false } });
    await using stream = await openSse(`${server.url}/answers/q1`);
    await stream.until(2); // the token, then the end of the stream with its error
    expect(await reader.value('tidings.events.emitted', { stream: 'answer', event: 'token' })).toBe(1);
    expect(await reader.value('tidings.frames.written', { stream: 'answer' })).toBe(1);
    expect(
      await reader.value('tidings.validation.failures', {
        stream: 'answer',
        event: 'token',
        source: 'handler',
      }),
    ).toBe(1);
    const sources = (await reader.collect())
      .filter((point) => point.name === 'tidings.validation.failures')
      .map((point) => point.attributes['source']);
    expect(new Set(sources)).toEqual(new Set(['handler', 'request']));
  });
});

describe('where the instruments go', () => {
  afterEach(() => {
    metrics.disable();
  });

  it('to the global meter provider when an SDK is installed before createHub', async () => {
    const reader = metricsReader();
    await using _reader = reader;
    metrics.setGlobalMeterProvider(reader.provider);
    await using hub = createHub(market);
    await hub.streams.room.emit({ room: 'x' }, 'say', { text: 'hi' });
    expect(await reader.value('tidings.events.emitted', { stream: 'room', event: 'say' })).toBe(1);
    expect(hubMetricsOf(hub)?.sampling).toBe(true);
  });

  it('nowhere without an SDK: no latency is sampled and the broker is not asked to report', async () => {
    await using reporting = reportingBroker();
    await using hub = createHub(market, { broker: reporting.broker });
    expect(hubMetricsOf(hub)?.sampling).toBe(false);
    expect(reporting.observers.size).toBe(0);
  });

  it('a meterProvider that is not one is refused at createHub with CONFIG_INVALID', () => {
    expect(() => createHub(market, { meterProvider: {} as never })).toThrow(
      expect.objectContaining({ code: 'CONFIG_INVALID', message: expect.stringMatching(/"meterProvider"/) }),
    );
  });

  it('the hub removes its callbacks when it closes: nothing is read from a closed hub', async () => {
    const reader = metricsReader();
    await using _reader = reader;
    const hub = createHub(market, { meterProvider: reader.provider });
    const connections = hubMetricsOf(hub)!.observed.find((metric) => metric.name === 'tidings.connections')!;
    const read = vi.spyOn(connections, 'read');
    await reader.collect();
    expect(read).toHaveBeenCalledTimes(1);
    await hub.close();
    await reader.collect();
    expect(read).toHaveBeenCalledTimes(1);
  });
});
