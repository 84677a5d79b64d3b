import type { ServerResponse } from 'node:http';
import { within } from '@tidings/test-kit/wait';
import { describe, expect, test } from 'vitest';
import { createMarketClient, marketDescriptor } from '../test/fixtures/market-client.ts';
import { frame, openStream, rawServer } from '../test/helpers/raw-server.ts';
import { collect, nextEvent } from '../test/helpers/subscription-events.ts';
import { createClient } from './index.ts';

// Issue #12, item 9: a server that sent an endless line (no newline) grew the client's heap 1:1
// (200 MB after 200 MB), with no error, and the watchdog never fired: every chunk reset it.

const fast = { initialDelayMs: 10, maxDelayMs: 100 };
const CHUNK = 'x'.repeat(16 * 1024);
/** Where the misbehaving server stops on its own: far past any bound under test. */
const SERVER_CAP = 32 * 1024 * 1024;

/** Writes an endless `data:` line (with backpressure) until the client goes away; resolves with the bytes written. */
function endlessLine(res: ServerResponse): Promise<number> {
  return new Promise((resolve) => {
    let written = 0;
    let closed = false;
    res.on('close', () => {
      closed = true;
      resolve(written);
    });
    const pump = () => {
      while (!closed && written < SERVER_CAP) {
        written += CHUNK.length;
        if (!res.write(CHUNK)) return void res.once('drain', pump);
      }
      if (!closed) resolve(written);
    };
    res.write('data: ');
    pump();
  });
}

describe('the parser buffers at most maxEventBytes of one line or event', () => {
  test('an endless line: an error event past the bound, then a reconnect that resumes', async () => {
    let firstConnection: Promise<number> | undefined;
    await using server = await rawServer((_req, res, index) => {
      openStream(res);
      if (index > 0) return void res.write(frame('2-0', 'notice', { text: 'after' }));
      res.write(`retry: 10\n\n${frame('1-0', 'notice', { text: 'before' })}`);
      firstConnection = endlessLine(res);
    });
    using client = createMarketClient({
      multiplex: false,
      baseUrl: server.url,
      reconnect: fast,
      maxEventBytes: 65_536,
    });
    using sub = client.announcements.subscribe();
    const notices = collect(sub, 'notice', 2);
    const { error, fatal } = await nextEvent(sub, 'error');
    expect(fatal).toBe(false);
    expect(error.code).toBe('TRANSPORT_ERROR');
    expect(error.message).toBe(
      '@tidings/client: stream "announcements": an event passed maxEventBytes (65536): raise it if events are this large; reconnecting.',
    );
    expect((await notices).map((e) => e.id)).toEqual(['1-0', '2-0']);
    expect(server.requests[1]?.headers['last-event-id']).toBe('1-0');
    // The client cut the connection itself, long before the server's own stop (socket buffers
    // hold a few MiB on loopback; without a bound the client reads all 32 MiB and waits on).
    expect(firstConnection).toBeDefined();
    expect(await within(firstConnection!, 10_000, 'the first connection to close')).toBeLessThan(SERVER_CAP);
  });

  test('the default bound is 1 MiB', async () => {
    await using server = await rawServer((_req, res, index) => {
      openStream(res);
      if (index > 0) return void res.write(frame('2-0', 'notice', { text: 'after' }));
      res.write('retry: 10\n\n');
      void endlessLine(res);
    });
    using client = createMarketClient({ multiplex: false, baseUrl: server.url, reconnect: fast });
    using sub = client.announcements.subscribe();
    const { error } = await nextEvent(sub, 'error');
    expect(error.message).toContain('passed maxEventBytes (1048576)');
    expect((await nextEvent(sub, 'notice')).id).toBe('2-0');
  });

  test('an event just under the bound is delivered; one of many short data: lines past it is refused', async () => {
    const big = 'y'.repeat(60_000);
    await using server = await rawServer((_req, res, index) => {
      openStream(res);
      if (index > 0) return void res.write(frame('2-0', 'notice', { text: 'after' }));
      res.write(`retry: 10\n\n${frame('1-0', 'notice', { text: big })}`);
      // 20,000 lines of 10 characters: no single line is long, the event is (and never ends).
      res.write(`id: 1-1\nevent: notice\n${'data: 0123456789\n'.repeat(20_000)}`);
    });
    using client = createMarketClient({
      multiplex: false,
      baseUrl: server.url,
      reconnect: fast,
      maxEventBytes: 65_536,
    });
    using sub = client.announcements.subscribe();
    const notices = collect(sub, 'notice', 2);
    const { error } = await nextEvent(sub, 'error');
    expect(error.message).toContain('passed maxEventBytes (65536)');
    const [first, second] = await notices;
    expect(first?.data.text).toBe(big);
    expect(second?.id).toBe('2-0');
    expect(server.requests[1]?.headers['last-event-id']).toBe('1-0');
  });

  test('maxEventBytes must be a positive number', () => {
    for (const maxEventBytes of [0, -1, Number.NaN, 2 ** 31]) {
      expect(() =>
        createClient(marketDescriptor, { multiplex: false, baseUrl: 'http://h', maxEventBytes }),
      ).toThrow(
        `@tidings/client: options.maxEventBytes is ${maxEventBytes}; expected a number from 1 to 2147483647.`,
      );
    }
    expect(() =>
      createClient(marketDescriptor, { multiplex: false, baseUrl: 'http://h', maxEventBytes: 1 }),
    ).not.toThrow();
  });
});
