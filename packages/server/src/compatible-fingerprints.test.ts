import { fingerprint } from '@tidings/contract';
import { market } from '@tidings/test-kit/contract';
import { serverResource } from '@tidings/test-kit/server';
import { openSse } from '@tidings/test-kit/sse';
import { describe, expect, it } from 'vitest';
import { createHub } from './create-hub.ts';

const OLD = 'aaaaaaaaaaaaaaaa';
const OLDER = 'bbbbbbbbbbbbbbbb';

describe('createHub option compatibleFingerprints', () => {
  it('serves a client with a listed older fingerprint, in reject mode, without counting or logging it', async () => {
    const logs: string[] = [];
    const hub = createHub(market, { onContractMismatch: 'reject', compatibleFingerprints: [OLD, OLDER] });
    await using server = await serverResource(hub, {
      fastify: { logger: { level: 'warn', stream: { write: (line: string) => logs.push(line) } } },
    });
    for (const value of [OLD, OLDER, fingerprint(market)]) {
      await using stream = await openSse(`${server.url}/announcements`, { 'x-tidings-contract': value });
      expect(stream.status).toBe(200);
    }
    await using byQuery = await openSse(`${server.url}/ticker/ACME?depth=3&contract=${OLD}`);
    expect(byQuery.status).toBe(200);
    expect(hub.stats().contractMismatches).toBe(0);
    expect(logs.filter((line) => line.includes('contract fingerprint'))).toEqual([]);
  });

  it('still answers 409 to a fingerprint it does not list', async () => {
    await using hub = createHub(market, { onContractMismatch: 'reject', compatibleFingerprints: [OLD] });
    await using server = await serverResource(hub);
    const response = await server.app.inject({
      url: '/streams/announcements',
      headers: { 'x-tidings-contract': OLDER },
    });
    expect(response.statusCode).toBe(409);
    expect(response.json()).toEqual({
      error: 'contract_mismatch',
      expected: fingerprint(market),
      stream: 'announcements',
    });
    expect(hub.stats().contractMismatches).toBe(1);
  });

  it('keeps its own copy: changing the array later changes nothing', async () => {
    const list = [OLD];
    await using hub = createHub(market, { onContractMismatch: 'reject', compatibleFingerprints: list });
    list.push(OLDER);
    await using server = await serverResource(hub);
    const response = await server.app.inject({
      url: '/streams/announcements',
      headers: { 'x-tidings-contract': OLDER },
    });
    expect(response.statusCode).toBe(409);
  });

  it.each([
    ['a string', OLD, 'is "aaaaaaaaaaaaaaaa"'],
    ['a number in the list', [OLD, 42], 'has 42 at index 1'],
    ['an empty string in the list', [''], 'has "" at index 0'],
    ['undefined in the list', [OLD, undefined], 'has undefined at index 1'],
  ])('refuses %s with CONFIG_INVALID at createHub', (_name, value, what) => {
    const create = () => createHub(market, { compatibleFingerprints: value as unknown as readonly string[] });
    expect(create).toThrow(
      `@tidings/server: createHub option "compatibleFingerprints" ${what}; expected an array of contract fingerprints (non-empty strings), as \`tidings diff --fingerprints\` prints them.`,
    );
    expect(create).toThrow(expect.objectContaining({ code: 'CONFIG_INVALID' }));
  });
});
