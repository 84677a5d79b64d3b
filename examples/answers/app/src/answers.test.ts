import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createClient } from '@tidings/client';
import { chromiumResource } from '@tidings/test-kit/chromium';
import { describeRun, run } from '@tidings/test-kit/process';
import { serverResource } from '@tidings/test-kit/server';
import { beforeAll, describe, expect, test, vi } from 'vitest';
import { type AnswersAssets, bundleAnswersPage } from './bundle.ts';
import { answers } from './contract.ts';
import { answerTokens, resumeIndex } from './model.ts';
import { createAnswersHub, type Pace, startAnswersExample } from './server.ts';

const cwd = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const SCREENSHOT = resolve(cwd, '../screenshot.png');
const QUESTION = 'How does a stream resume after a reload?';
const WAIT = { timeout: 20_000, interval: 20 };

/** A pace that lets every token through at once, except that it holds before token `at` until `release()`. */
function holdAt(at: number) {
  let release!: () => void;
  const gate = new Promise<void>((resolve) => {
    release = resolve;
  });
  const pace: Pace = (index, signal) =>
    index !== at
      ? Promise.resolve()
      : new Promise<void>((resolve, reject) => {
          signal.addEventListener('abort', () => reject(signal.reason), { once: true });
          void gate.then(resolve);
        });
  return { pace, release };
}

describe('the model', () => {
  test('answers a question with the same tokens every time; they join into the answer', () => {
    const tokens = answerTokens(QUESTION);
    expect(tokens).toEqual(answerTokens(QUESTION));
    expect(tokens.length).toBeGreaterThan(40);
    expect(tokens.join('')).toMatch(/^You asked: "How does a stream resume after a reload"\. /);
  });

  test('resumes after the last token the client has, and past the end once it has them all', () => {
    expect(resumeIndex(undefined, 10)).toBe(0);
    expect(resumeIndex('3', 10)).toBe(4);
    expect(resumeIndex('9', 10)).toBe(10);
    expect(resumeIndex('done', 10)).toBe(10);
    expect(resumeIndex('12', 10)).toBe(10);
  });
});

describe('the answers example', () => {
  let assets: AnswersAssets;
  beforeAll(async () => {
    assets = await bundleAnswersPage();
  }, 60_000);

  test('the generated client is what `tidings generate` writes (`tidings check` exits 0)', async () => {
    const cli = resolve(cwd, 'node_modules/@tidings/codegen/bin/tidings.mjs');
    const args = [
      'check',
      '--contract',
      'src/contract.ts',
      '--export',
      'answers',
      '--out',
      'src/answers.generated.ts',
    ];
    const result = await run(process.execPath, [cli, ...args], { cwd, timeoutMs: 25_000 });
    expect(result.code, describeRun(result)).toBe(0);
  }, 30_000);

  test('the page bundle holds the generated client, and no zod or server code', () => {
    expect(assets.modules.some((m) => m.endsWith('src/answers.generated.ts'))).toBe(true);
    expect(assets.modules.some((m) => m.includes('/zod/'))).toBe(false);
    expect(assets.modules.some((m) => /packages\/server\/|src\/(server|model|contract)\.ts$/.test(m))).toBe(
      false,
    );
  });

  test('a client that has tokens up to 5 gets the rest once each, then the end of the stream', async () => {
    const runs: (string | undefined)[] = [];
    await using server = await serverResource(
      createAnswersHub({ pace: () => Promise.resolve(), onRun: (r) => runs.push(r.lastEventId) }),
    );
    using client = createClient(answers, { baseUrl: server.url });
    const sub = client.answer.subscribe({ id: 'c0ffee00' }, { query: { q: QUESTION }, lastEventId: '5' });
    const indexes: number[] = [];
    let done: number | undefined;
    for await (const event of sub) {
      if (event.type === 'token') indexes.push(event.data.index);
      else done = event.data.tokens;
    }
    const total = answerTokens(QUESTION).length;
    expect(indexes).toEqual(Array.from({ length: total - 6 }, (_, i) => i + 6));
    expect(done).toBe(total);
    expect([sub.status, runs]).toEqual(['closed', ['5']]);
  });

  test('in Chromium the answer streams token by token, survives a reload mid-answer by resuming, and shows its end; screenshot', async () => {
    const hold = holdAt(4);
    const runs: (string | undefined)[] = [];
    await using server = await startAnswersExample({
      assets,
      pace: hold.pace,
      onRun: (r) => runs.push(r.lastEventId),
    });
    await using browser = await chromiumResource({ viewport: { width: 760, height: 520 } });
    const page = await browser.newPage();
    const answer = page.locator('#answer');
    await page.goto(server.url);
    await page.fill('#question', QUESTION);
    await page.click('#ask button');

    // Four tokens in, the model holds: reload the page mid-answer.
    await expect.poll(() => answer.getAttribute('data-tokens'), WAIT).toBe('4');
    const tokens = answerTokens(QUESTION);
    expect(await answer.textContent()).toBe(tokens.slice(0, 4).join(''));
    await page.reload();

    // The page restores what it had and subscribes again after token 3: the handler resumes there.
    await vi.waitFor(() => expect(runs).toEqual([undefined, '3']), WAIT);
    await expect.poll(() => answer.getAttribute('data-state'), WAIT).toBe('streaming');
    expect(await answer.textContent()).toBe(tokens.slice(0, 4).join(''));
    expect(await page.inputValue('#question')).toBe(QUESTION);

    hold.release();
    await expect.poll(() => answer.getAttribute('data-state'), WAIT).toBe('done');
    expect(await answer.getAttribute('data-tokens')).toBe(String(tokens.length));
    expect(await answer.textContent()).toBe(tokens.join(''));
    expect(await page.textContent('#status')).toBe(`End of the answer: ${tokens.length} tokens.`);
    // The handler ended the stream: nothing of it is left on the server, and the page did not ask again.
    await vi.waitFor(() => expect(server.hub.stats().subscribers.answer).toBe(0), WAIT);
    expect(runs).toEqual([undefined, '3']);
    await page.screenshot({ path: SCREENSHOT });
  }, 60_000);
});
