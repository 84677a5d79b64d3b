import { describeRun, run } from '@tidings/test-kit/process';
import { createTempWorkspace, type TempWorkspace } from './temp-workspace.ts';

/** A temporary workspace that is also a git repository (its `node_modules` links are ignored). */
export interface TempGitRepo extends TempWorkspace {
  /** Runs git in the repository and returns its stdout; fails the test on a non-zero exit. */
  git(...args: string[]): Promise<string>;
  /** Writes `files`, stages everything and commits; returns the commit id. */
  commit(message: string, files?: Readonly<Record<string, string>>): Promise<string>;
}

/** The environment of every git command: a fixed author, and no user or system configuration. */
export const GIT_ENV: NodeJS.ProcessEnv = {
  ...process.env,
  GIT_AUTHOR_NAME: 'Tidings Test',
  GIT_AUTHOR_EMAIL: 'test@tidings.invalid',
  GIT_COMMITTER_NAME: 'Tidings Test',
  GIT_COMMITTER_EMAIL: 'test@tidings.invalid',
  GIT_CONFIG_NOSYSTEM: '1',
  GIT_CONFIG_GLOBAL: '/dev/null',
};

/** Creates a temporary workspace (see `createTempWorkspace`) with `git init -b main` run in it. */
export async function createTempGitRepo(): Promise<TempGitRepo> {
  const workspace = await createTempWorkspace();
  const git = async (...args: string[]): Promise<string> => {
    const result = await run('git', args, { cwd: workspace.dir, env: GIT_ENV, timeoutMs: 30_000 });
    if (result.code !== 0) throw new Error(`git failed: ${describeRun(result)}`);
    return result.stdout;
  };
  await git('init', '--quiet', '-b', 'main');
  await workspace.write({ '.gitignore': 'node_modules\n' });
  return {
    ...workspace,
    git,
    async commit(message, files = {}) {
      await workspace.write(files);
      await git('add', '--all');
      await git('commit', '--quiet', '--no-gpg-sign', '-m', message);
      return (await git('rev-parse', 'HEAD')).trim();
    },
  };
}
