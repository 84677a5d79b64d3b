import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, test } from 'vitest';
import { spawnTsx } from './test-support/child-process.ts';

const cwd = resolve(dirname(fileURLToPath(import.meta.url)), '..');

test('`pnpm demo` serves the page and `pnpm demo:client` prints typed events, then exits 0', async () => {
  await using demo = spawnTsx('src/main.ts', [], { cwd, env: { PORT: '0' } });
  const [, url] = await demo.waitForOutput(/Market demo on (http:\/\/127\.0\.0\.1:\d+)/, 30_000);

  const health = await fetch(`${url}/health`);
  expect(health.status).toBe(200);
  expect(await health.json()).toMatchObject({ status: 'ok', feed: 'running' });
  const page = await fetch(`${url}/`);
  expect(page.headers.get('content-type')).toMatch(/^text\/html/);
  expect(await page.text()).toContain('data-testid="connection-status"');
  const script = await fetch(`${url}/app.js`);
  expect(script.headers.get('content-type')).toMatch(/^text\/javascript/);

  await using client = spawnTsx(
    'src/terminal-client.ts',
    ['--url', url!, '--symbols', 'ACME,NOVA', '--limit', '6'],
    {
      cwd,
    },
  );
  expect(await client.exit(30_000)).toBe(0);
  const lines = client.stdout().trim().split('\n');
  expect(lines).toHaveLength(6);
  expect(lines.some((line) => / (ACME|NOVA) +quote +\d+\.\d\d /.test(line))).toBe(true);
}, 60_000);
