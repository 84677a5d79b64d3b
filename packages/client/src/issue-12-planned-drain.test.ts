import { EventSource } from 'eventsource';
import { describe, expect, test } from 'vitest';
import { createMarketClient } from '../test/fixtures/market-client.ts';
import { frame, openStream, rawServer } from '../test/helpers/raw-server.ts';
import { collect, nextEvent } from '../test/helpers/subscription-events.ts';

// Issue #12, item 13: on a planned drain (the server sends a retry: and ends the stream in good
// order) the eventsource transport reported "connection lost; reconnecting" where the fetch
// transport reported nothing. A clean end of stream is not an error, for either transport.

const transports = [
  ['fetch', {}],
  ['eventsource', { transport: 'eventsource', EventSource }],
] as const;

describe.each(transports)('%s transport', (_name, options) => {
  test('a planned drain reports no error; the client resumes after the last id', async () => {
    await using server = await rawServer((_req, res, index) => {
      openStream(res);
      if (index === 0) res.end(`retry: 20\n\n${frame('1-0', 'notice', { text: 'before' })}`);
      else res.write(frame('2-0', 'notice', { text: 'after' }));
    });
    using client = createMarketClient({
      multiplex: false,
      ...options,
      baseUrl: server.url,
      reconnect: { initialDelayMs: 20, maxDelayMs: 200 },
    });
    using sub = client.announcements.subscribe();
    const errors: string[] = [];
    sub.addEventListener('error', (e) => errors.push(e.error.message));
    const first = nextEvent(sub, 'notice');
    expect((await first).id).toBe('1-0');
    const after = await nextEvent(sub, 'notice');
    expect(after.id).toBe('2-0');
    expect(errors).toEqual([]);
    expect(server.requests).toHaveLength(2);
    const resumedFrom =
      server.requests[1]?.headers['last-event-id'] ??
      new URL(server.requests[1]!.url, server.url).searchParams.get('lastEventId');
    expect(resumedFrom).toBe('1-0');
  });

  test('a dropped connection is reported as an error, then resumed', async () => {
    await using server = await rawServer((_req, res, index) => {
      openStream(res);
      if (index === 0)
        res.write(`retry: 20\n\n${frame('1-0', 'notice', { text: 'before' })}`, () => res.destroy());
      else res.write(frame('2-0', 'notice', { text: 'after' }));
    });
    using client = createMarketClient({
      multiplex: false,
      ...options,
      baseUrl: server.url,
      reconnect: { initialDelayMs: 20, maxDelayMs: 200 },
    });
    using sub = client.announcements.subscribe();
    const error = nextEvent(sub, 'error');
    const notices = collect(sub, 'notice', 2);
    const { error: lost, fatal } = await error;
    expect(fatal).toBe(false);
    expect(lost.message).toMatch(
      /^@tidings\/client: stream "announcements": connection lost; reconnecting\./,
    );
    expect((await notices).map((e) => e.id)).toEqual(['1-0', '2-0']);
  });
});
