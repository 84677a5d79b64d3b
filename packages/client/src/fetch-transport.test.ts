import { absenceWindow, within } from '@tidings/test-kit/wait';
import { describe, expect, test, vi } from 'vitest';
import { createMarketClient, marketDescriptor } from '../test/fixtures/market-client.ts';
import { frame, openStream, rawServer } from '../test/helpers/raw-server.ts';
import { collect, nextEvent } from '../test/helpers/subscription-events.ts';
import { createFetchTransport, parseRetryAfter } from './fetch-transport.ts';
import { createClient, TidingsHttpError } from './index.ts';

const fast = { initialDelayMs: 10, maxDelayMs: 50 };

describe('fetch transport against a raw SSE server', () => {
  test('sends accept, the fingerprint, custom headers and the query; delivers typed events', async () => {
    await using server = await rawServer((_req, res) => {
      openStream(res);
      res.write(frame('1-0', 'quote', { price: 1.5, at: 'now' }));
      res.write(frame('1-1', 'halted', { reason: 'news' }));
    });
    using client = createMarketClient({
      multiplex: false,
      baseUrl: `${server.url}/streams/`,
      headers: { 'x-app': 'test' },
    });
    using sub = client.ticker.subscribe({ symbol: 'ACME' }, { query: { depth: 3 } });
    const quote = nextEvent(sub, 'quote');
    const halted = nextEvent(sub, 'halted');
    expect((await quote).data).toEqual({ price: 1.5, at: 'now' });
    expect(await halted).toEqual({ type: 'halted', data: { reason: 'news' }, id: '1-1' });
    expect(sub.status).toBe('open');
    expect(sub.lastEventId).toBe('1-1');
    const [seen] = server.requests;
    expect(seen?.url).toBe('/streams/ticker/ACME?depth=3');
    expect(seen?.headers['accept']).toBe('text/event-stream');
    expect(seen?.headers['x-tidings-contract']).toBe(marketDescriptor.fingerprint);
    expect(seen?.headers['x-app']).toBe('test');
    expect(seen?.headers['last-event-id']).toBeUndefined();
  });

  test('reconnects after the stream ends, honouring retry: and sending Last-Event-ID; headers() runs each time', async () => {
    await using server = await rawServer((_req, res, index) => {
      openStream(res);
      res.write('retry: 20\n\n');
      res.write(frame(`5-${index}`, 'notice', { text: `n${index}` }));
      if (index < 2) res.end();
    });
    let calls = 0;
    using client = createClient(marketDescriptor, {
      multiplex: false,
      baseUrl: server.url,
      headers: async () => ({ authorization: `Bearer t${++calls}` }),
      reconnect: { initialDelayMs: 5000, maxDelayMs: 5000 },
    });
    using sub = client.announcements.subscribe({ lastEventId: '4-9' });
    const events = await collect(sub, 'notice', 3);
    expect(events.map((e) => e.data.text)).toEqual(['n0', 'n1', 'n2']);
    expect(server.requests.map((r) => r.headers['last-event-id'])).toEqual(['4-9', '5-0', '5-1']);
    expect(server.requests.map((r) => r.headers['authorization'])).toEqual([
      'Bearer t1',
      'Bearer t2',
      'Bearer t3',
    ]);
  });

  test('403 surfaces as a TidingsHttpError with status and body, closes, and is not retried', async () => {
    await using server = await rawServer((_req, res) => {
      res.writeHead(403, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: 'forbidden' }));
    });
    using client = createMarketClient({ multiplex: false, baseUrl: server.url, reconnect: fast });
    const sub = client.ticker.subscribe({ symbol: 'ACME' });
    const error = nextEvent(sub, 'error');
    const closed = nextEvent(sub, 'close');
    const { error: http, fatal } = await error;
    expect(fatal).toBe(true);
    expect(http).toBeInstanceOf(TidingsHttpError);
    expect(http).toMatchObject({ status: 403, body: { error: 'forbidden' }, code: 'HTTP_ERROR' });
    expect(http.message).toMatch(
      /^@tidings\/client: stream "ticker" got HTTP 403 \(forbidden\) from GET .*; not retrying\.$/,
    );
    expect((await closed).error).toBe(http);
    expect(sub.status).toBe('closed');
    // Absence: a retry would come within maxDelayMs (50 ms); no event can show that none does.
    await absenceWindow(300);
    expect(server.requests).toHaveLength(1);
  });

  test('503 with retry-after is retried after the delay the server asked for', async () => {
    await using server = await rawServer((_req, res, index) => {
      if (index === 0) {
        res.writeHead(503, { 'retry-after': '1' });
        res.end('busy');
        return;
      }
      openStream(res);
      res.write(frame('1-0', 'notice', { text: 'ok' }));
    });
    using client = createMarketClient({ multiplex: false, baseUrl: server.url, reconnect: fast });
    using sub = client.announcements.subscribe();
    const error = await nextEvent(sub, 'error');
    expect(error.fatal).toBe(false);
    expect(error.error).toMatchObject({ status: 503, body: 'busy' });
    expect((await nextEvent(sub, 'notice')).data.text).toBe('ok');
    const [first, second] = server.requests;
    expect(second!.at - first!.at).toBeGreaterThanOrEqual(950);
  });

  test('a response that is not an event stream is a fatal error that names baseUrl', async () => {
    await using server = await rawServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end('<html></html>');
    });
    using client = createMarketClient({ multiplex: false, baseUrl: server.url, reconnect: fast });
    const sub = client.announcements.subscribe();
    const { error } = await nextEvent(sub, 'close');
    expect(error?.message).toMatch(
      /expected text\/event-stream from GET .*, got "text\/html"\. Is baseUrl right\?/,
    );
    expect(server.requests).toHaveLength(1);
  });

  test('the watchdog drops a connection silent for 2.5 × the announced heartbeat and resumes', async () => {
    await using server = await rawServer((_req, res, index) => {
      openStream(res, { 'x-tidings-heartbeat': '40' });
      res.write(`retry: 10\n\n${frame(`9-${index}`, 'notice', { text: `n${index}` })}`);
      // Then silence: no heartbeat, no end.
    });
    using client = createMarketClient({ multiplex: false, baseUrl: server.url, reconnect: fast });
    using sub = client.announcements.subscribe();
    const error = await nextEvent(sub, 'error');
    expect(error.error.message).toMatch(/nothing for 100 ms \(heartbeat 40 ms\); reconnecting/);
    await server.requestCount(2);
    expect(server.requests[1]?.headers['last-event-id']).toBe('9-0');
  });

  test('heartbeats keep the watchdog quiet', async () => {
    const timers: ReturnType<typeof setInterval>[] = [];
    let heartbeats = 0;
    await using server = await rawServer((_req, res) => {
      openStream(res, { 'x-tidings-heartbeat': '200' });
      res.write(frame('1-0', 'notice', { text: 'hi' }));
      const timer = setInterval(() => {
        res.write(': hb\n\n');
        heartbeats++;
      }, 200);
      timers.push(timer);
      res.on('close', () => clearInterval(timer));
    });
    using client = createMarketClient({ multiplex: false, baseUrl: server.url, reconnect: fast });
    using sub = client.announcements.subscribe();
    const errors: unknown[] = [];
    sub.addEventListener('error', (e) => errors.push(e.error));
    await nextEvent(sub, 'notice');
    // Six heartbeats out: 1.2 s, past two watchdog periods (2.5 × 200 ms), with the stream kept alive.
    await vi.waitFor(() => expect(heartbeats).toBeGreaterThanOrEqual(6), { timeout: 10_000, interval: 20 });
    for (const timer of timers) clearInterval(timer);
    expect(errors).toEqual([]);
    expect(server.requests).toHaveLength(1);
  });

  test('a payload that is not JSON is an error event; unknown events are skipped', async () => {
    await using server = await rawServer((_req, res) => {
      openStream(res);
      res.write('id: 1-0\nevent: surprise\ndata: {}\n\n');
      res.write('id: 1-1\nevent: notice\ndata: not json\n\n');
      res.write(frame('1-2', 'notice', { text: 'fine' }));
    });
    using client = createMarketClient({ multiplex: false, baseUrl: server.url });
    using sub = client.announcements.subscribe();
    const error = nextEvent(sub, 'error');
    const notice = nextEvent(sub, 'notice');
    expect((await error).error.message).toMatch(/event "notice" \(id 1-1\): payload is not JSON/);
    expect(await notice).toEqual({ type: 'notice', data: { text: 'fine' }, id: '1-2' });
  });

  test('parseRetryAfter reads seconds and HTTP dates', () => {
    expect(parseRetryAfter('3')).toBe(3000);
    expect(parseRetryAfter(new Date(10_000).toUTCString(), 4000)).toBe(6000);
    expect(parseRetryAfter('soon')).toBeUndefined();
    expect(parseRetryAfter(null)).toBeUndefined();
  });
});

describe('fetch transport after an abort', () => {
  test('regression: the watchdog stops with the connection, so nothing is reported after abort', async () => {
    await using server = await rawServer((_req, res) => {
      openStream(res, { 'x-tidings-heartbeat': '40' });
    });
    const controller = new AbortController();
    const reported: string[] = [];
    let opened!: () => void;
    const open = new Promise<void>((resolve) => {
      opened = resolve;
    });
    createFetchTransport().connect(
      {
        stream: 'announcements',
        url: `${server.url}/announcements`,
        headers: {},
        fingerprint: 'f',
        lastEventId: undefined,
        events: ['notice'],
        signal: controller.signal,
      },
      {
        onOpen: () => opened(),
        onMessage: () => reported.push('message'),
        onRetry: () => reported.push('retry'),
        onInterrupt: () => reported.push('interrupt'),
        onEnd: () => reported.push('end'),
      },
    );
    await within(open, 10_000, 'the stream to open');
    controller.abort();
    // Absence: the watchdog would fire within 100 ms (2.5 × 40 ms heartbeat); wait three times that.
    await absenceWindow(300);
    expect(reported).toEqual([]);
  });
});
