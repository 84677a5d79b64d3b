import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { spawnResource } from '@tidings/test-kit/process';
import { expect, test } from 'vitest';

const cwd = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** Runs a TypeScript file of the example with tsx, as `pnpm demo` does. */
const tsx = (script: string, args: readonly string[], env: NodeJS.ProcessEnv = {}) =>
  spawnResource(process.execPath, ['--import', 'tsx', script, ...args], {
    cwd,
    env: { ...process.env, ...env },
  });

test('`pnpm demo` serves the page and `pnpm demo:client` prints typed events, then exits 0', async () => {
  await using demo = tsx('src/main.ts', [], { PORT: '0' });
  const [, url] = await demo.waitForOutput(/Market demo on (http:\/\/127\.0\.0\.1:\d+)/, 30_000);

  const health = await fetch(`${url}/health`);
  expect(health.status).toBe(200);
  expect(await health.json()).toMatchObject({ status: 'ok', feed: 'running' });
  const page = await fetch(`${url}/`);
  expect(page.headers.get('content-type')).toMatch(/^text\/html/);
  expect(await page.text()).toContain('data-testid="connection-status"');
  const script = await fetch(`${url}/app.js`);
  expect(script.headers.get('content-type')).toMatch(/^text\/javascript/);

  await using client = tsx('src/terminal-client.ts', [
    '--url',
    url!,
    '--symbols',
    'ACME,NOVA',
    '--limit',
    '6',
  ]);
  expect(await client.exit(30_000)).toBe(0);
  const lines = client.stdout().trim().split('\n');
  expect(lines).toHaveLength(6);
  expect(lines.some((line) => / (ACME|NOVA) +quote +\d+\.\d\d /.test(line))).toBe(true);
}, 60_000);
