import { defineContract, defineStream, fingerprint } from '@tidings/contract';
import { createHub } from '@tidings/server';
import { market } from '@tidings/test-kit/contract';
import { serverResource } from '@tidings/test-kit/server';
import { EventSource } from 'eventsource';
import { describe, expect, test } from 'vitest';
import { z } from 'zod';
import { createMarketClient, marketDescriptor } from '../test/fixtures/market-client.ts';
import { nextEvent } from '../test/helpers/subscription-events.ts';
import { isTidingsHttpError, TidingsContractMismatchError } from './index.ts';

/** The test contract after a breaking change: a notice's text became an object. */
const newer = defineContract({
  ...market.streams,
  announcements: defineStream({
    path: '/announcements',
    events: { notice: z.object({ text: z.object({ en: z.string() }) }) },
  }),
});

describe('a client whose contract the server does not serve', () => {
  test.each([
    ['fetch', {}, fingerprint(newer)],
    ['eventsource', { transport: 'eventsource', EventSource }, undefined],
  ] as const)(
    'over %s gets a TidingsContractMismatchError with code CONTRACT_MISMATCH, not retried',
    async (_name, transport, server) => {
      await using hub = createHub(newer, { onContractMismatch: 'reject' });
      await using resource = await serverResource(hub);
      using client = createMarketClient({ ...transport, baseUrl: resource.url });
      const sub = client.announcements.subscribe();
      const { error, fatal } = await nextEvent(sub, 'error');
      expect(fatal).toBe(true);
      expect(error).toBeInstanceOf(TidingsContractMismatchError);
      expect(isTidingsHttpError(error)).toBe(true);
      expect(error).toMatchObject({
        name: 'TidingsContractMismatchError',
        code: 'CONTRACT_MISMATCH',
        status: 409,
        clientFingerprint: marketDescriptor.fingerprint,
        serverFingerprint: server,
      });
      expect(error.message).toMatch(/^@tidings\/client: stream "[^"]+" got HTTP 409 /);
      expect(error.message).toContain(
        `: the server does not serve this client's contract "${marketDescriptor.fingerprint}"`,
      );
      expect(error.message).toContain(
        `Reload the app for the current client, or list "${marketDescriptor.fingerprint}" in the server's compatibleFingerprints.`,
      );
      expect(sub.status).toBe('closed');
      expect(hub.stats().contractMismatches).toBe(1);
    },
  );

  test('the same client is served when the hub lists its fingerprint in compatibleFingerprints', async () => {
    await using hub = createHub(newer, {
      onContractMismatch: 'reject',
      compatibleFingerprints: [marketDescriptor.fingerprint],
    });
    await using resource = await serverResource(hub);
    using client = createMarketClient({ baseUrl: resource.url });
    using sub = client.ticker.subscribe({ symbol: 'ACME' });
    await nextEvent(sub, 'open');
    const halted = nextEvent(sub, 'halted');
    await hub.streams.ticker.emit({ symbol: 'ACME' }, 'halted', { reason: 'news pending' });
    expect((await halted).data).toEqual({ reason: 'news pending' });
    expect(hub.stats().contractMismatches).toBe(0);
  });

  test('any other 409 body stays a plain TidingsHttpError', async () => {
    await using resource = await serverResource(createHub(market), {
      before: (app) => {
        app.addHook('onRequest', async (_request, reply) => reply.code(409).send({ error: 'conflict' }));
      },
    });
    using client = createMarketClient({ baseUrl: resource.url });
    const { error } = await nextEvent(client.announcements.subscribe(), 'error');
    expect(error).not.toBeInstanceOf(TidingsContractMismatchError);
    expect(error).toMatchObject({ code: 'HTTP_ERROR', status: 409, body: { error: 'conflict' } });
  });
});
