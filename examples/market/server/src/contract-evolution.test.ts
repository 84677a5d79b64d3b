import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createMarketClient, marketDescriptor } from '@acme/market-web';
import type { TidingsError } from '@tidings/client';
import { type AnyContract, fingerprint } from '@tidings/contract';
import { createHub } from '@tidings/server';
import { describeRun, run } from '@tidings/test-kit/process';
import { serverResource } from '@tidings/test-kit/server';
import { within } from '@tidings/test-kit/wait';
import { describe, expect, test } from 'vitest';
import { market as broken } from './contract-evolution/market-broken.ts';
import { market as next } from './contract-evolution/market-next.ts';

const serverDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
/** The CLI as the web package (which generates the page's client) has it. */
const TIDINGS = path.resolve(serverDir, '../web/node_modules/@tidings/codegen/bin/tidings.mjs');

/** `tidings diff` of a newer contract against the one the page's client was generated from. */
function diffAgainstCurrent(file: string, ...flags: string[]) {
  const args = ['diff', '--base', '../contract/src/index.ts', '--contract', file, ...flags];
  return run(process.execPath, [TIDINGS, ...args], { cwd: serverDir, timeoutMs: 25_000 });
}

/** What the page would show for a subscription's error: a reload prompt for a contract the server no longer serves. */
function bannerFor(error: TidingsError): string {
  return error.code === 'CONTRACT_MISMATCH'
    ? 'A new version of Market is out: please reload.'
    : error.message;
}

/** A newer server: the hub on `contract` behind Fastify, refusing clients it does not serve. */
function newerServer<TContract extends AnyContract>(
  contract: TContract,
  compatibleFingerprints: readonly string[],
) {
  const hub = createHub(contract, { onContractMismatch: 'reject', compatibleFingerprints });
  return serverResource(hub);
}

describe('contract evolution: the generated client of the page against a newer server', () => {
  test('after a safe change, tidings diff lists the old fingerprint and the newer server keeps serving the old client', async () => {
    const diff = await diffAgainstCurrent('src/contract-evolution/market-next.ts', '--fingerprints');
    expect(diff.code, describeRun(diff)).toBe(0);
    const compatibleFingerprints = JSON.parse(diff.stdout) as string[];
    expect(compatibleFingerprints).toEqual([marketDescriptor.fingerprint]);
    expect(fingerprint(next)).not.toBe(marketDescriptor.fingerprint);

    await using server = await newerServer(next, compatibleFingerprints);
    const hub = server.hub;
    using client = createMarketClient({ baseUrl: server.url });
    using acme = client.ticker.subscribe({ symbol: 'ACME' });
    await within(
      new Promise((resolve) => acme.addEventListener('open', resolve, { once: true })),
      10_000,
      'open',
    );
    const trade = within(
      new Promise((resolve) =>
        acme.addEventListener('trade', (event) => resolve(event.data), { once: true }),
      ),
      10_000,
      'a trade',
    );
    const at = new Date().toISOString();
    await hub.streams.ticker.emit({ symbol: 'ACME' }, 'trade', {
      price: 12.5,
      size: 100,
      side: 'buy',
      at,
      venue: 'XNYS',
    });
    expect(await trade).toEqual({ price: 12.5, size: 100, side: 'buy', at, venue: 'XNYS' });
    expect(hub.stats().contractMismatches).toBe(0);
  });

  test('after a breaking change, tidings diff exits 1 and the old client gets CONTRACT_MISMATCH, which the page turns into "please reload"', async () => {
    const diff = await diffAgainstCurrent('src/contract-evolution/market-broken.ts');
    expect(diff.code, describeRun(diff)).toBe(1);
    expect(diff.stdout).toContain(
      'stream "ticker", event "quote", field "price": type changed from number to object; clients built on the old contract expect number [type-changed]',
    );

    await using server = await newerServer(broken, []);
    using client = createMarketClient({ baseUrl: server.url });
    const acme = client.ticker.subscribe({ symbol: 'ACME' });
    const error = await within(
      new Promise<TidingsError>((resolve) => acme.addEventListener('error', (event) => resolve(event.error))),
      10_000,
      'an error event',
    );
    expect(error.code).toBe('CONTRACT_MISMATCH');
    expect(bannerFor(error)).toBe('A new version of Market is out: please reload.');
    expect(acme.status).toBe('closed');
    expect(server.hub.stats().contractMismatches).toBe(1);
  });
});
