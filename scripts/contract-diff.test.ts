import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describeRun, run } from '@tidings/test-kit/process';
import { describe, expect, test } from 'vitest';
import { contractFiles } from '../packages/codegen/src/test-support/contract-versions.ts';
import {
  createTempGitRepo,
  GIT_ENV,
  type TempGitRepo,
} from '../packages/codegen/src/test-support/temp-git.ts';

const SCRIPT = path.join(path.dirname(fileURLToPath(import.meta.url)), 'contract-diff.sh');
const TYPE_CHANGED =
  'stream "ticker", event "quote", field "price": type changed from number to string; clients built on the old contract expect number [type-changed]';

/** Runs `bash scripts/contract-diff.sh --contract contract/index.ts` in the repository, as `pnpm contract:diff` does. */
function contractDiff(repo: TempGitRepo) {
  return run('bash', [SCRIPT, '--contract', 'contract/index.ts', '--export', 'market'], {
    cwd: repo.dir,
    env: GIT_ENV,
  });
}

describe('pnpm contract:diff (scripts/contract-diff.sh), as CI runs it', () => {
  test('fails when a commit since the merge base with origin/main breaks the contract, and on main itself', async () => {
    await using repo = await createTempGitRepo();
    await repo.commit('v1', contractFiles({}));
    await repo.git('update-ref', 'refs/remotes/origin/main', 'HEAD');
    await repo.commit('a safe change', contractFiles({ venue: true }));
    await repo.commit('the price is a string', contractFiles({ venue: true, price: 'string' }));

    const branch = await contractDiff(repo);
    expect(branch.code, describeRun(branch)).toBe(1);
    expect(branch.stdout).toMatch(
      /^contract:diff: comparing with the merge base with origin\/main \([0-9a-f]+\)\.\n/,
    );
    expect(branch.stdout).toContain(`\nBreaking (1):\n  ${TYPE_CHANGED}\n`);

    // Merged: HEAD is origin/main, so the last commit is compared with the one before it.
    await repo.git('update-ref', 'refs/remotes/origin/main', 'HEAD');
    const main = await contractDiff(repo);
    expect(main.code, describeRun(main)).toBe(1);
    expect(main.stdout).toMatch(/^contract:diff: comparing with the previous commit \([0-9a-f]+\)\.\n/);
    expect(main.stdout).toContain(`\nBreaking (1):\n  ${TYPE_CHANGED}\n`);
  });

  test('passes a safe change, and a breaking one a commit accepts with "Contract-Change: breaking"', async () => {
    await using repo = await createTempGitRepo();
    await repo.commit('v1', contractFiles({}));
    await repo.commit('a venue', contractFiles({ venue: true }));
    const safe = await contractDiff(repo);
    expect(safe.code, describeRun(safe)).toBe(0);
    expect(safe.stdout).toContain('\nSafe: 1 safe change, none breaking.');

    await repo.commit(
      'The price is a string\n\nContract-Change: breaking',
      contractFiles({ price: 'string' }),
    );
    const accepted = await contractDiff(repo);
    expect(accepted.code, describeRun(accepted)).toBe(0);
    expect(accepted.stdout).toContain(`\nBreaking (1):\n  ${TYPE_CHANGED}\n`);
    expect(accepted.stdout).toContain(
      'contract:diff: a commit since the base says "Contract-Change: breaking"; the breaking change is accepted.\n',
    );
  });

  test('a clone with a single commit and no origin has nothing to compare with and passes', async () => {
    await using repo = await createTempGitRepo();
    await repo.commit('v1', contractFiles({}));
    const result = await contractDiff(repo);
    expect(result.code, describeRun(result)).toBe(0);
    expect(result.stdout).toBe(
      'contract:diff: no earlier commit to compare with (a single commit, or a shallow clone); nothing to check.\n',
    );
  });
});
