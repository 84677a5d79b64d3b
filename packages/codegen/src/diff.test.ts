import { existsSync, realpathSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { type DiffReport, diffContract } from './diff.ts';
import { materializeCommit } from './git-base.ts';
import { runCli } from './run-cli.ts';
import { contractFiles } from './test-support/contract-versions.ts';
import { runTidings } from './test-support/run-tidings.ts';
import { createTempGitRepo } from './test-support/temp-git.ts';
import { createTempWorkspace } from './test-support/temp-workspace.ts';

const CONTRACT = 'contract/index.ts';
const TYPE_CHANGED =
  '  stream "ticker", event "quote", field "price": type changed from number to string; clients built on the old contract expect number [type-changed]\n';
const VENUE_ADDED =
  '  stream "ticker", event "quote", field "venue": new optional field; clients built on the old contract ignore it [field-added]\n';

describe('tidings diff against a file', () => {
  test('a safe change exits 0 with a readable report; --json prints the same report for tools', async () => {
    await using workspace = await createTempWorkspace();
    await workspace.write({ ...contractFiles({}, 'old'), ...contractFiles({ venue: true, halted: true }) });
    const args = ['diff', '--base', 'old/index.ts', '--contract', CONTRACT];
    const json = await runTidings([...args, '--json'], { cwd: workspace.dir });
    expect(json.stderr).toBe('');
    expect(json.code).toBe(0);
    const report = JSON.parse(json.stdout) as DiffReport;
    expect(report).toMatchObject({
      breaking: false,
      base: { file: 'old/index.ts', export: 'market' },
      contract: { file: CONTRACT, export: 'market' },
    });
    expect(report.changes.map((change) => [change.severity, change.kind, change.where])).toEqual([
      ['safe', 'field-added', 'stream "ticker", event "quote", field "venue"'],
      ['safe', 'event-added', 'stream "ticker", event "halted"'],
    ]);

    const text = await runTidings(args, { cwd: workspace.dir });
    expect(text.code).toBe(0);
    const { base, contract } = report;
    expect(text.stdout).toBe(
      [
        `Contract "market" (${CONTRACT}) against old/index.ts.`,
        `Fingerprints: ${base.fingerprint} (base) → ${contract.fingerprint} (now).`,
        '',
        'Safe (2):',
        VENUE_ADDED.trimEnd(),
        '  stream "ticker", event "halted": new event; clients built on the old contract ignore it [event-added]',
        '',
        `Safe: 2 safe changes, none breaking. Clients built on old/index.ts keep working; to serve them without a mismatch, list "${base.fingerprint}" in createHub's compatibleFingerprints.`,
        '',
      ].join('\n'),
    );
    expect(base.fingerprint).toMatch(/^[0-9a-f]{16}$/);
    expect(base.fingerprint).not.toBe(contract.fingerprint);
  });

  test('a breaking change exits 1 and lists it first', async () => {
    await using workspace = await createTempWorkspace();
    await workspace.write({
      ...contractFiles({}, 'old'),
      ...contractFiles({ price: 'string', venue: true }),
    });
    const run = await runTidings(['diff', '--base', 'old/index.ts', '--contract', CONTRACT], {
      cwd: workspace.dir,
    });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(1);
    expect(run.stdout).toContain(`\n\nBreaking (1):\n${TYPE_CHANGED}\nSafe (1):\n${VENUE_ADDED}\n`);
    expect(run.stdout).toContain('Breaking: 1 breaking, 1 safe. Clients built on old/index.ts can break;');
  });
});

describe('tidings diff against a git ref', () => {
  test('reads the old contract and the files it imports from the commit, and leaves the checkout alone', async () => {
    await using repo = await createTempGitRepo();
    await repo.commit('v1', contractFiles({}));
    await repo.commit('v2: the price is a string', contractFiles({ price: 'string' }));
    await repo.write(contractFiles({ price: 'string', venue: true })); // uncommitted, on top
    const state = async () => ({
      head: await repo.git('rev-parse', 'HEAD'),
      status: await repo.git('status', '--porcelain'),
      index: await repo.git('ls-files', '--stage'),
    });
    const before = await state();

    const breaking = await runTidings(['diff', '--base', 'HEAD~1', '--contract', CONTRACT], {
      cwd: repo.dir,
    });
    expect(breaking.stderr).toBe('');
    expect(breaking.code).toBe(1);
    expect(breaking.stdout).toMatch(
      /^Contract "market" \(contract\/index\.ts\) against HEAD~1 \([0-9a-f]{12}\)\.\n/,
    );
    expect(breaking.stdout).toContain(`\n\nBreaking (1):\n${TYPE_CHANGED}\nSafe (1):\n${VENUE_ADDED}\n`);

    const safe = await runTidings(['diff', '--base', 'HEAD', '--contract', CONTRACT], { cwd: repo.dir });
    expect(safe.code).toBe(0);
    expect(safe.stdout).toContain(`\nSafe (1):\n${VENUE_ADDED}\n`);
    expect(await state()).toEqual(before);
    expect(before.status).toBe(' M contract/schemas.ts\n');
  });

  test('--fingerprints lists the older versions that are safe changes to the contract, newest first, up to the first breaking one', async () => {
    await using repo = await createTempGitRepo();
    await repo.commit('v0: the price is a string', contractFiles({ price: 'string' }));
    await repo.commit('v1: the price is a number', contractFiles({}));
    await repo.commit('unrelated', { 'README.md': 'hello\n' });
    await repo.commit('v2: a venue', contractFiles({ venue: true }));
    await repo.commit('v3: a halted event', contractFiles({ venue: true, halted: true }));
    await repo.write(contractFiles({ venue: true, halted: true, news: true })); // now: a news stream

    const run = await runTidings(['diff', '--base', 'HEAD', '--contract', CONTRACT, '--fingerprints'], {
      cwd: repo.dir,
    });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const print = async (base: string) =>
      (await diffContract({ contract: CONTRACT, base, cwd: repo.dir })).base.fingerprint;
    const [v3, v2, v1, v0] = [
      await print('HEAD'),
      await print('HEAD~1'),
      await print('HEAD~3'),
      await print('HEAD~4'),
    ];
    expect(new Set([v3, v2, v1, v0]).size).toBe(4);
    expect(run.stdout).toBe(`${JSON.stringify([v3, v2, v1])}\n`);

    const json = JSON.parse(
      (
        await runTidings(['diff', '--base', 'HEAD~1', '--contract', CONTRACT, '--json', '--fingerprints'], {
          cwd: repo.dir,
        })
      ).stdout,
    ) as DiffReport;
    expect(json.compatibleFingerprints).toEqual([v2, v1]);
  });

  test('a contract that moved: the old path after a colon', async () => {
    await using repo = await createTempGitRepo();
    await repo.commit('v1', contractFiles({}));
    await repo.git('mv', 'contract', 'market');
    const moved = ['diff', '--contract', 'market/index.ts', '--base'];
    const missing = await runTidings([...moved, 'HEAD'], { cwd: repo.dir });
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(
      /^@tidings\/codegen: market\/index\.ts does not exist at HEAD \(commit [0-9a-f]{12}\), so there is no old contract to compare with; if the contract moved, pass its old path as --base HEAD:<old path>\.\n$/,
    );
    const found = await runTidings([...moved, 'HEAD:contract/index.ts'], { cwd: repo.dir });
    expect(found.stderr).toBe('');
    expect(found.code).toBe(0);
    expect(found.stdout).toMatch(/ against HEAD \([0-9a-f]{12}\) at contract\/index\.ts\.\n/);
    expect(found.stdout).toContain('\nNo changes.\n');
  });

  test('a --base that is neither a file nor a commit is a usage error (exit 2)', async () => {
    await using repo = await createTempGitRepo();
    await repo.commit('v1', contractFiles({}));
    let stderr = '';
    const io = { stdout: () => {}, stderr: (text: string) => (stderr += text), cwd: repo.dir };
    expect(await runCli(['diff', '--base', 'HEAD~1', '--contract', CONTRACT], io)).toBe(2);
    expect(stderr).toBe(
      `@tidings/codegen: --base "HEAD~1" is neither a file nor a git commit in ${realpathSync(repo.dir)}; expected a ref such as origin/main or HEAD~1 (fetch it first in a shallow clone), or a contract file.\nRun \`tidings --help\` for usage.\n`,
    );
  });

  test("materializeCommit writes the commit's sources with the checkout's node_modules, and removes them on dispose", async () => {
    await using repo = await createTempGitRepo();
    const commit = await repo.commit('v1', { ...contractFiles({}), 'docs/notes.md': 'not a source\n' });
    let root: string;
    {
      await using tree = await materializeCommit(realpathSync(repo.dir), commit);
      root = tree.root;
      expect(existsSync(path.join(root, 'contract/schemas.ts'))).toBe(true);
      expect(existsSync(path.join(root, 'docs/notes.md'))).toBe(false);
      expect(realpathSync(path.join(root, 'node_modules/zod'))).toBe(
        realpathSync(path.join(repo.dir, 'node_modules/zod')),
      );
    }
    expect(existsSync(root)).toBe(false);
  });
});
