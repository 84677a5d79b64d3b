import { within } from '@tidings/test-kit/wait';
import { EventSource } from 'eventsource';
import { describe, expect, test } from 'vitest';
import { createMarketClient, marketDescriptor } from '../test/fixtures/market-client.ts';
import { frame, openStream, rawServer } from '../test/helpers/raw-server.ts';
import { nextEvent } from '../test/helpers/subscription-events.ts';
import { createClient } from './index.ts';

// Issue #12, item 10: a server that accepted and never sent headers left the client `connecting`
// for 300 s (undici's default; a browser waits forever), and one that sent headers and then
// nothing, with no heartbeat header, left it `open` for good.

const fast = { initialDelayMs: 10, maxDelayMs: 100 };
const transports = [
  ['fetch', {}],
  ['eventsource', { transport: 'eventsource', EventSource }],
] as const;

describe.each(transports)('connect timeout (%s transport)', (_name, options) => {
  test('a server that never answers: abort after connectTimeoutMs, an error event, and a retry', async () => {
    let firstAborted: Promise<void> | undefined;
    await using server = await rawServer((req, res, index) => {
      if (index === 0) {
        firstAborted = new Promise((resolve) => req.on('close', () => resolve()));
        return; // accepts, never answers
      }
      openStream(res);
      res.write(frame('2-0', 'notice', { text: 'answered' }));
    });
    using client = createMarketClient({
      multiplex: false,
      ...options,
      baseUrl: server.url,
      reconnect: fast,
      connectTimeoutMs: 200,
    });
    using sub = client.announcements.subscribe();
    const { error, fatal } = await nextEvent(sub, 'error');
    expect(fatal).toBe(false);
    expect(error.code).toBe('TRANSPORT_ERROR');
    expect(error.message).toMatch(
      /^@tidings\/client: stream "announcements": no response from GET http:\/\/127\.0\.0\.1:\d+\/announcements within 200 ms \(raise connectTimeoutMs for a slow server\); retrying\.$/,
    );
    expect(firstAborted).toBeDefined();
    await within(firstAborted!, 10_000, 'the client to abort the first request');
    expect((await nextEvent(sub, 'notice')).id).toBe('2-0');
    expect(sub.status).toBe('open');
  });

  test('timeouts count as failed attempts: backoff, then maxAttempts closes with the error', async () => {
    await using server = await rawServer(() => {});
    using client = createMarketClient({
      multiplex: false,
      ...options,
      baseUrl: server.url,
      reconnect: { ...fast, maxAttempts: 2 },
      connectTimeoutMs: 100,
    });
    const sub = client.announcements.subscribe();
    const { error } = await nextEvent(sub, 'close');
    expect(error?.message).toMatch(/within 100 ms \(raise connectTimeoutMs for a slow server\); retrying/);
    expect(server.requests).toHaveLength(3);
  });
});

describe('idle timeout (fetch transport)', () => {
  test('headers, then nothing and no heartbeat header: dropped after idleTimeoutMs and resumed', async () => {
    await using server = await rawServer((_req, res, index) => {
      openStream(res);
      res.write(`retry: 10\n\n${frame(`1-${index}`, 'notice', { text: `n${index}` })}`);
      // Then silence: no heartbeat, no end.
    });
    using client = createMarketClient({
      multiplex: false,
      baseUrl: server.url,
      reconnect: fast,
      idleTimeoutMs: 200,
    });
    using sub = client.announcements.subscribe();
    const { error, fatal } = await nextEvent(sub, 'error');
    expect(fatal).toBe(false);
    expect(error.message).toBe(
      '@tidings/client: stream "announcements": nothing for 200 ms (no heartbeat announced: raise idleTimeoutMs for a quieter server); reconnecting.',
    );
    await server.requestCount(2);
    expect(server.requests[1]?.headers['last-event-id']).toBe('1-0');
  });

  test('an announced heartbeat takes precedence over idleTimeoutMs (the watchdog at 2.5 × heartbeat)', async () => {
    await using server = await rawServer((_req, res, index) => {
      openStream(res, { 'x-tidings-heartbeat': '40' });
      res.write(`retry: 10\n\n${frame(`1-${index}`, 'notice', { text: `n${index}` })}`);
    });
    using client = createMarketClient({
      multiplex: false,
      baseUrl: server.url,
      reconnect: fast,
      idleTimeoutMs: 600_000,
    });
    using sub = client.announcements.subscribe();
    const { error } = await nextEvent(sub, 'error');
    expect(error.message).toMatch(/nothing for 100 ms \(heartbeat 40 ms\); reconnecting/);
  });
});

test('the timeouts must be numbers of milliseconds, 0 turning them off', () => {
  for (const name of ['connectTimeoutMs', 'idleTimeoutMs'] as const) {
    for (const value of [-1, Number.NaN, 2 ** 31]) {
      expect(() =>
        createClient(marketDescriptor, { multiplex: false, baseUrl: 'http://h', [name]: value }),
      ).toThrow(`@tidings/client: options.${name} is ${value}; expected a number from 0 to 2147483647.`);
    }
    expect(() =>
      createClient(marketDescriptor, { multiplex: false, baseUrl: 'http://h', [name]: 0 }),
    ).not.toThrow();
  }
});
