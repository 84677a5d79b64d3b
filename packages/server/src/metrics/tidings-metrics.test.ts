import {
  EMPTY_POSITION,
  encodeMuxControl,
  encodeMuxEvent,
  type MultiplexEntry,
  parseMuxFrame,
} from '@tidings/contract/wire';
import { market } from '@tidings/test-kit/contract';
import { type PrometheusSample, parsePrometheus } from '@tidings/test-kit/metrics';
import { getRequest, rawSocket } from '@tidings/test-kit/raw-socket';
import { serverResource } from '@tidings/test-kit/server';
import { openSse, type SseStream } from '@tidings/test-kit/sse';
import { within } from '@tidings/test-kit/wait';
import Fastify from 'fastify';
import { Registry } from 'prom-client';
import { describe, expect, it, vi } from 'vitest';
import { createHub } from '../create-hub.ts';
import { registerHubMetrics } from './register-hub-metrics.ts';
import { tidingsMetrics } from './tidings-metrics.ts';

const WAIT = { timeout: 10_000, interval: 5 };
const RETRY = 'retry: 2000\n\n';
const bytes = (text: string) => Buffer.byteLength(text);
const mux = (entries: readonly MultiplexEntry[]) =>
  `/@tidings?s=${encodeURIComponent(JSON.stringify(entries))}`;

/** The alias a multiplexed stream was given for one subscription key. */
function aliasOf(stream: SseStream, key: string): string {
  for (const event of stream.events) {
    const frame = parseMuxFrame(event.data);
    if (frame?.kind === 'sub' && frame.value === key) return frame.alias;
  }
  throw new Error(`no acknowledgement for "${key}"`);
}

/** Every gauge and counter sample, as `name{label=value,…}` → value (histogram series left out). */
function series(samples: readonly PrometheusSample[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const { name, labels, value } of samples) {
    if (/_(bucket|sum|count)$/.test(name)) continue;
    const shown = Object.entries(labels)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([key, label]) => `${key}=${label}`)
      .join(',');
    out[`${name}{${shown}}`] = value;
  }
  return out;
}

describe('tidingsMetrics: the Prometheus endpoint', () => {
  it('after a scripted scenario (connections, emits, a gap, a mismatch, a refusal, bad input, a slow consumer) a scrape shows every value', async () => {
    const hub = createHub(market, {
      heartbeatMs: 600_000,
      maxBufferedBytes: 64 * 1024,
      onContractMismatch: 'reject',
      authorize: ({ stream, params }) => !(stream === 'ticker' && params.symbol === 'NOPE'),
    });
    await using server = await serverResource(hub, {
      before: async (app) => {
        await app.register(tidingsMetrics, { hub, path: '/metrics' });
      },
    });
    const { url } = server;

    // Connections: a plain ticker stream, and a multiplexed one on the ticker and the announcements.
    await using plain = await openSse(`${url}/ticker/ACME`);
    await plain.when(() => plain.retries.length === 1, 'the plain stream open');
    await using multiplexed = await openSse(
      `${url}${mux([
        { k: 't', s: 'ticker', p: { symbol: 'ACME' } },
        { k: 'n', s: 'announcements' },
      ])}`,
    );
    await multiplexed.until(4); // two acknowledgements, two positions ("-": nothing issued yet)
    const tickerAlias = aliasOf(multiplexed, 't');
    const newsAlias = aliasOf(multiplexed, 'n');

    // Emits: two quotes, five notices (announcements keep 3), each awaited on every stream: one batch each.
    let muxTicker = bytes(encodeMuxControl(tickerAlias, 'pos', EMPTY_POSITION));
    let muxNews = bytes(encodeMuxControl(newsAlias, 'pos', EMPTY_POSITION));
    for (const price of [1, 2]) {
      const id = await hub.streams.ticker.emit({ symbol: 'ACME' }, 'quote', { price });
      await plain.until(price);
      await multiplexed.until(4 + price);
      muxTicker += bytes(encodeMuxEvent(tickerAlias, id, 'quote', JSON.stringify({ price })));
    }
    const notices: string[] = [];
    for (let i = 0; i < 5; i++) {
      const data = { text: `n${i}`, level: 'info' as const };
      notices.push(await hub.streams.announcements.emit('notice', data));
      await multiplexed.until(7 + i);
      muxNews += bytes(encodeMuxEvent(newsAlias, notices[i]!, 'notice', JSON.stringify(data)));
    }

    // A gap: a resume from the first notice, evicted since; it gets the gap and the three kept.
    const resumed = await openSse(`${url}/announcements`, { 'last-event-id': notices[0]! });
    await resumed.until(4);
    expect(resumed.events.map((event) => event.event)).toEqual(['gap', 'notice', 'notice', 'notice']);
    const resumedBytes = bytes(resumed.body()) - bytes(RETRY);
    await resumed[Symbol.asyncDispose]();

    // A mismatch, a refusal, bad params, a bad payload.
    const inject = (path: string, headers: Record<string, string> = {}) =>
      server.app.inject({ url: `/streams${path}`, headers }).then((response) => response.statusCode);
    expect(await inject('/ticker/ACME', { 'x-tidings-contract': 'stale' })).toBe(409);
    expect(await inject('/ticker/NOPE')).toBe(403);
    expect(await inject('/ticker/acme')).toBe(400);
    await expect(
      hub.streams.ticker.emit({ symbol: 'ACME' }, 'quote', { price: 'high' } as never),
    ).rejects.toThrow();

    // A slow consumer: a socket that never reads, beside one that does, until the server cuts it.
    await using good = await openSse(`${url}/rooms/lobby`, {}, { retain: false });
    await using stuck = await rawSocket(server.port, getRequest('/streams/rooms/lobby'), { read: false });
    await vi.waitFor(() => expect(hub.stats().connections).toBe(4), WAIT);
    const text = 'x'.repeat(16 * 1024);
    let says = 0;
    let batches = 0;
    for (; batches < 512 && hub.stats().slowConsumerDisconnects === 0; batches++) {
      await Promise.all(
        Array.from({ length: 16 }, () => hub.streams.room.emit({ room: 'lobby' }, 'say', { text })),
      );
      says += 16;
      await good.until(says, 30_000);
    }
    stuck.socket.resume();
    await within(stuck.closed, 10_000, 'the server to cut the stuck socket');
    await vi.waitFor(() => expect(hub.stats().connections).toBe(3), WAIT);

    const response = await fetch(`${server.origin}/metrics`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
    const scrape = parsePrometheus(await response.text());

    const roomFrames = scrape.value('tidings_frames_written_total', { stream: 'room' })!;
    const roomBytes = scrape.value('tidings_bytes_written_total', { stream: 'room' })!;
    // What reached the stuck socket before the cut depends on the kernel's buffers: at least every
    // event the good client read, at most every event twice; each frame carries its 16 KiB payload.
    expect(roomFrames).toBeGreaterThanOrEqual(says);
    expect(roomFrames).toBeLessThanOrEqual(2 * says);
    expect(roomBytes).toBeGreaterThan(roomFrames * text.length);
    expect(roomBytes).toBeLessThan(roomFrames * (text.length + 100));
    expect(roomFrames).toBe(hub.stats().framesWritten - 4 - 9);

    const zeroPerStream = (name: string) => ({
      [`${name}{stream=ticker}`]: 0,
      [`${name}{stream=announcements}`]: 0,
      [`${name}{stream=room}`]: 0,
    });
    expect(series(scrape.samples)).toEqual({
      'tidings_connections{stream=ticker}': 1,
      'tidings_connections{stream=announcements}': 0,
      'tidings_connections{stream=room}': 1,
      'tidings_connections{stream=*}': 1,
      'tidings_subscriptions{stream=ticker}': 2,
      'tidings_subscriptions{stream=announcements}': 1,
      'tidings_subscriptions{stream=room}': 1,
      'tidings_events_emitted_total{event=quote,stream=ticker}': 2,
      'tidings_events_emitted_total{event=halted,stream=ticker}': 0,
      'tidings_events_emitted_total{event=notice,stream=announcements}': 5,
      'tidings_events_emitted_total{event=say,stream=room}': says,
      'tidings_frames_written_total{stream=ticker}': 4,
      'tidings_frames_written_total{stream=announcements}': 5 + 4,
      'tidings_frames_written_total{stream=room}': roomFrames,
      'tidings_bytes_written_total{stream=ticker}': bytes(plain.body()) - bytes(RETRY) + muxTicker,
      'tidings_bytes_written_total{stream=announcements}': muxNews + resumedBytes,
      'tidings_bytes_written_total{stream=room}': roomBytes,
      'tidings_validation_failures_total{event=quote,source=emit,stream=ticker}': 1,
      'tidings_validation_failures_total{event=halted,source=emit,stream=ticker}': 0,
      'tidings_validation_failures_total{source=emit,stream=ticker}': 0,
      'tidings_validation_failures_total{source=request,stream=ticker}': 1,
      'tidings_validation_failures_total{event=notice,source=emit,stream=announcements}': 0,
      'tidings_validation_failures_total{source=emit,stream=announcements}': 0,
      'tidings_validation_failures_total{source=request,stream=announcements}': 0,
      'tidings_validation_failures_total{event=say,source=emit,stream=room}': 0,
      'tidings_validation_failures_total{source=emit,stream=room}': 0,
      'tidings_validation_failures_total{source=request,stream=room}': 0,
      ...zeroPerStream('tidings_replays_total'),
      'tidings_replays_total{stream=announcements}': 1,
      'tidings_gaps_total{cause=resume,stream=ticker}': 0,
      'tidings_gaps_total{cause=live,stream=ticker}': 0,
      'tidings_gaps_total{cause=resume,stream=announcements}': 1,
      'tidings_gaps_total{cause=live,stream=announcements}': 0,
      'tidings_gaps_total{cause=resume,stream=room}': 0,
      'tidings_gaps_total{cause=live,stream=room}': 0,
      ...zeroPerStream('tidings_live_gaps_total'),
      ...zeroPerStream('tidings_slow_consumer_disconnects_total'),
      'tidings_slow_consumer_disconnects_total{stream=room}': 1,
      'tidings_slow_consumer_disconnects_total{stream=*}': 0,
      ...zeroPerStream('tidings_contract_mismatches_total'),
      'tidings_contract_mismatches_total{stream=ticker}': 1,
      'tidings_contract_mismatches_total{stream=*}': 0,
      ...zeroPerStream('tidings_authorize_refusals_total'),
      'tidings_authorize_refusals_total{stream=ticker}': 1,
      // No tidings_broker_* series: the memory broker has no server to lose and does not report.
    });

    // Histograms: one delivery sample per batch written; one replay of three events.
    expect(scrape.value('tidings_delivery_duration_seconds_count', { stream: 'ticker' })).toBe(2);
    expect(scrape.value('tidings_delivery_duration_seconds_count', { stream: 'announcements' })).toBe(5);
    const roomSamples = scrape.value('tidings_delivery_duration_seconds_count', { stream: 'room' })!;
    expect(roomSamples).toBeGreaterThanOrEqual(batches);
    expect(roomSamples).toBeLessThanOrEqual(says);
    expect(scrape.value('tidings_delivery_duration_seconds_bucket', { stream: 'ticker', le: '+Inf' })).toBe(
      2,
    );
    expect(scrape.value('tidings_replay_size_count', { stream: 'announcements' })).toBe(1);
    expect(scrape.value('tidings_replay_size_sum', { stream: 'announcements' })).toBe(3);
    expect(scrape.value('tidings_replay_size_bucket', { stream: 'announcements', le: '1' })).toBe(0);
    expect(scrape.value('tidings_replay_size_bucket', { stream: 'announcements', le: '5' })).toBe(1);
    expect(scrape.samples.some((sample) => sample.name.startsWith('tidings_broker_'))).toBe(false);
    expect(scrape.types.get('tidings_connections')).toBe('gauge');
    expect(scrape.types.get('tidings_frames_written_total')).toBe('counter');
    expect(scrape.types.get('tidings_delivery_duration_seconds')).toBe('histogram');
  }, 60_000);

  it('serves the app’s own prom-client registry too, and takes the hub’s metrics out when the app closes', async () => {
    const registry = new Registry();
    registry.setDefaultLabels({ service: 'quotes' });
    await using hub = createHub(market);
    const app = Fastify();
    await app.register(tidingsMetrics, { hub, registry, path: '/internal/metrics' });
    await app.register(hub.plugin, { prefix: '/streams' });
    const scrape = parsePrometheus((await app.inject({ url: '/internal/metrics' })).body);
    expect(scrape.value('tidings_connections', { stream: 'ticker', service: 'quotes' })).toBe(0);
    await app.close();
    expect(registry.getSingleMetric('tidings_connections')).toBeUndefined();
  });

  it('refuses what is not a hub, a path that is not a route, and a second hub on one registry, naming the fix', async () => {
    const app = Fastify();
    await expect(
      app.register(tidingsMetrics, { hub: { contract: market } as never }).ready(),
    ).rejects.toThrow(/"hub" is not a hub made by createHub/);
    await using hub = createHub(market);
    await expect(Fastify().register(tidingsMetrics, { hub, path: 'metrics' }).ready()).rejects.toThrow(
      /option "path" is "metrics"; expected a route such as '\/metrics'/,
    );

    const registry = new Registry();
    registerHubMetrics(hub, registry);
    await using other = createHub(market);
    expect(() => registerHubMetrics(other, registry)).toThrow(
      /the registry already has a metric "tidings_connections"; register one hub per registry/,
    );
    // The refused hub left nothing behind.
    expect(registry.getMetricsAsArray().map((metric) => metric.name)).toHaveLength(14);
  });
});
