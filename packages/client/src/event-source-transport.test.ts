import { absenceWindow } from '@tidings/test-kit/wait';
import { EventSource } from 'eventsource';
import { describe, expect, test } from 'vitest';
import { createMarketClient, marketDescriptor } from '../test/fixtures/market-client.ts';
import { frame, openStream, rawServer } from '../test/helpers/raw-server.ts';
import { collect, nextEvent } from '../test/helpers/subscription-events.ts';
import { TidingsHttpError } from './index.ts';

const options = {
  transport: 'eventsource',
  EventSource,
  reconnect: { initialDelayMs: 10, maxDelayMs: 50 },
} as const;

describe('eventsource transport (the eventsource package) against a raw SSE server', () => {
  test('sends the fingerprint as the contract query param and delivers typed events', async () => {
    await using server = await rawServer((_req, res) => {
      openStream(res);
      res.write(frame('1-0', 'quote', { price: 3, at: 'now' }));
    });
    using client = createMarketClient({ multiplex: false, ...options, baseUrl: server.url });
    using sub = client.ticker.subscribe({ symbol: 'ACME' }, { query: { depth: 2 } });
    const quote = await nextEvent(sub, 'quote');
    expect(quote).toEqual({ type: 'quote', data: { price: 3, at: 'now' }, id: '1-0' });
    expect(sub.status).toBe('open');
    expect(server.requests[0]?.url).toBe(`/ticker/ACME?depth=2&contract=${marketDescriptor.fingerprint}`);
  });

  test('after a drop the subscription reconnects with a new EventSource, its position in the query', async () => {
    await using server = await rawServer((_req, res, index) => {
      openStream(res);
      res.write(`retry: 20\n\n${frame(`2-${index}`, 'notice', { text: `n${index}` })}`, () => {
        if (index === 0) res.socket?.destroy();
      });
    });
    using client = createMarketClient({ multiplex: false, ...options, baseUrl: server.url });
    using sub = client.announcements.subscribe();
    const notices = await collect(sub, 'notice', 2);
    expect(notices.map((e) => e.id)).toEqual(['2-0', '2-1']);
    expect(server.requests[1]?.url).toBe(
      `/announcements?contract=${marketDescriptor.fingerprint}&lastEventId=2-0`,
    );
  });

  test('a refused request with a known status is a TidingsHttpError and is not retried', async () => {
    await using server = await rawServer((_req, res) => {
      res.writeHead(401);
      res.end();
    });
    using client = createMarketClient({ multiplex: false, ...options, baseUrl: server.url });
    const sub = client.announcements.subscribe();
    const { error } = await nextEvent(sub, 'close');
    expect(error).toBeInstanceOf(TidingsHttpError);
    expect(error).toMatchObject({ status: 401 });
    // Absence: a retry would come within maxDelayMs (50 ms); no event can show that none does.
    await absenceWindow(200);
    expect(server.requests).toHaveLength(1);
  });

  test('a new EventSource sends its position in the lastEventId query param', async () => {
    await using server = await rawServer((_req, res) => {
      openStream(res);
      res.write(frame('9-0', 'notice', { text: 'after 3-0' }));
    });
    using client = createMarketClient({ multiplex: false, ...options, baseUrl: server.url });
    using sub = client.announcements.subscribe({ lastEventId: '3-0' });
    let gaps = 0;
    sub.addEventListener('gap', () => gaps++);
    expect((await nextEvent(sub, 'notice')).id).toBe('9-0');
    expect(server.requests[0]?.url).toBe(
      `/announcements?contract=${marketDescriptor.fingerprint}&lastEventId=3-0`,
    );
    expect(gaps).toBe(0);
  });
});
