import { spawn } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, realpath, rm, symlink } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { TidingsCodegenError, TidingsCodegenUsageError } from './errors.ts';

/** The old contract of `tidings diff`: a file, or a file in a git commit. */
export type BaseSource =
  | { readonly kind: 'file'; readonly file: string }
  | {
      readonly kind: 'git';
      /** The ref as given (`origin/main`, `HEAD~1`). */
      readonly ref: string;
      readonly commit: string;
      /** The repository's top-level directory (real path). */
      readonly repo: string;
      /** The contract's path inside the repository, with `/` separators. */
      readonly path: string;
    };

/** Files a contract module can import: sources, their compiled forms, package.json and tsconfig files. */
const SOURCE_FILE = /\.(?:[cm]?[jt]sx?|json)$/;

interface GitResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs git and collects its output; `input` is written to its stdin. */
function git(
  args: readonly string[],
  options: { cwd: string; env?: NodeJS.ProcessEnv | undefined; input?: string | undefined },
): Promise<GitResult> {
  return new Promise((resolve, reject) => {
    const child = spawn('git', args, {
      cwd: options.cwd,
      env: options.env ?? process.env,
      stdio: [options.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
    });
    child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
    });
    child.once('error', (error) =>
      reject(
        new TidingsCodegenError(
          `@tidings/codegen: running git failed (${error.message}); tidings diff --base <ref> needs git on the PATH.`,
          { cause: error },
        ),
      ),
    );
    child.once('close', (code) => resolve({ code: code ?? 1, stdout, stderr }));
    if (child.stdin) {
      child.stdin.on('error', () => {}); // git may exit before reading it all; its exit code tells
      child.stdin.end(options.input);
    }
  });
}

async function gitOrThrow(
  args: readonly string[],
  options: { cwd: string; env?: NodeJS.ProcessEnv | undefined; input?: string | undefined },
): Promise<string> {
  const result = await git(args, options);
  if (result.code !== 0) {
    throw new TidingsCodegenError(
      `@tidings/codegen: git ${args[0]} failed in ${options.cwd}: ${result.stderr.trim() || `exit code ${result.code}`}`,
    );
  }
  return result.stdout;
}

function toPosix(file: string): string {
  return file.split(path.sep).join('/');
}

/**
 * Reads `--base`: an existing file, or a git ref (`origin/main`, `HEAD~1`, a commit), optionally with
 * the contract's path in it after a colon (`origin/main:src/old-contract.ts`, paths relative to the
 * repository root, or to the working directory when they start with `./` or `../`).
 */
export async function resolveBase(base: string, contractFile: string, cwd: string): Promise<BaseSource> {
  const asFile = path.resolve(cwd, base);
  if (existsSync(asFile) && statSync(asFile).isFile()) return { kind: 'file', file: asFile };
  const colon = base.indexOf(':');
  const ref = colon > 0 ? base.slice(0, colon) : base;
  const inRef = colon > 0 ? base.slice(colon + 1) : undefined;
  const contractReal = await realpath(contractFile);
  const top = await git(['rev-parse', '--show-toplevel'], { cwd: path.dirname(contractReal) });
  if (top.code !== 0) {
    throw new TidingsCodegenUsageError(
      `@tidings/codegen: --base "${base}" is not a file, and ${path.relative(cwd, contractFile) || contractFile} is not in a git repository; expected a contract file or a git ref such as origin/main.`,
    );
  }
  const repo = await realpath(top.stdout.trim());
  const commit = await git(['rev-parse', '--verify', '--quiet', '--end-of-options', `${ref}^{commit}`], {
    cwd: repo,
  });
  if (commit.code !== 0 || ref === '') {
    throw new TidingsCodegenUsageError(
      `@tidings/codegen: --base "${base}" is neither a file nor a git commit in ${repo}; expected a ref such as origin/main or HEAD~1 (fetch it first in a shallow clone), or a contract file.`,
    );
  }
  const relative =
    inRef === undefined
      ? path.relative(repo, contractReal)
      : inRef.startsWith('./') || inRef.startsWith('../')
        ? path.relative(repo, path.resolve(cwd, inRef))
        : inRef;
  const source = {
    kind: 'git' as const,
    ref,
    commit: commit.stdout.trim(),
    repo,
    path: toPosix(relative),
  };
  if (!(await existsAt(source.repo, source.commit, source.path))) {
    throw new TidingsCodegenError(
      `@tidings/codegen: ${source.path} does not exist at ${ref} (commit ${source.commit.slice(0, 12)}), so there is no old contract to compare with; if the contract moved, pass its old path as --base ${ref}:<old path>.`,
    );
  }
  return source;
}

/** True when `file` exists in `commit`. */
export async function existsAt(repo: string, commit: string, file: string): Promise<boolean> {
  return (await git(['cat-file', '-e', `${commit}:${file}`], { cwd: repo })).code === 0;
}

/** Links one `node_modules` entry, pointing workspace packages at their copy in the materialized tree. */
async function linkEntry(repo: string, tree: string, from: string, to: string): Promise<void> {
  let real: string;
  try {
    real = await realpath(from);
  } catch {
    return; // a dangling link: nothing to resolve through it
  }
  const inside = path.relative(repo, real);
  const local =
    inside !== '' &&
    !inside.startsWith('..') &&
    !path.isAbsolute(inside) &&
    !inside.split(path.sep).includes('node_modules');
  const copy = local ? path.join(tree, inside) : undefined;
  const target = copy !== undefined && existsSync(copy) ? copy : real;
  await symlink(target, to, statSync(target).isDirectory() ? 'junction' : 'file');
}

/**
 * Gives every package directory of the materialized tree the `node_modules` of the same directory
 * in the checkout, entry by entry: third-party packages resolve to the installed ones, workspace
 * packages to their copy at the commit.
 */
async function linkNodeModules(repo: string, tree: string, files: readonly string[]): Promise<void> {
  const dirs = new Set(['.']);
  for (const file of files)
    if (path.posix.basename(file) === 'package.json') dirs.add(path.posix.dirname(file));
  for (const dir of dirs) {
    const source = path.join(repo, dir, 'node_modules');
    if (!existsSync(source)) continue;
    const target = path.join(tree, dir, 'node_modules');
    await mkdir(target, { recursive: true });
    for (const entry of await readdir(source, { withFileTypes: true })) {
      if (entry.name.startsWith('@') && entry.isDirectory()) {
        await mkdir(path.join(target, entry.name), { recursive: true });
        for (const scoped of await readdir(path.join(source, entry.name))) {
          await linkEntry(
            repo,
            tree,
            path.join(source, entry.name, scoped),
            path.join(target, entry.name, scoped),
          );
        }
      } else {
        await linkEntry(repo, tree, path.join(source, entry.name), path.join(target, entry.name));
      }
    }
  }
}

/** A commit's source files written to a temporary directory; disposing it removes them. */
export interface MaterializedTree extends AsyncDisposable {
  /** The directory that stands for the repository's root at the commit. */
  readonly root: string;
}

/**
 * Writes the source files of `commit` (`.ts`, `.js`, `.json`, … — what a contract can import) under
 * `os.tmpdir()` without touching the work tree, the index or HEAD: `git read-tree` into a
 * temporary index, then `git checkout-index --prefix`. Each package directory gets links to the
 * checkout's installed `node_modules`.
 */
export async function materializeCommit(repo: string, commit: string): Promise<MaterializedTree> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'tidings-diff-'));
  const root = path.join(dir, 'tree');
  const dispose = () => rm(dir, { recursive: true, force: true });
  try {
    const env = { ...process.env, GIT_INDEX_FILE: path.join(dir, 'index') };
    await gitOrThrow(['read-tree', commit], { cwd: repo, env });
    const listed = await gitOrThrow(['ls-files', '-z'], { cwd: repo, env });
    const files = listed
      .split('\0')
      .filter((file) => SOURCE_FILE.test(file) && !file.split('/').includes('node_modules'));
    await mkdir(root, { recursive: true });
    await gitOrThrow(['checkout-index', '-z', '--stdin', `--prefix=${root}${path.sep}`], {
      cwd: repo,
      env,
      input: files.join('\0'),
    });
    await linkNodeModules(repo, root, files);
  } catch (error) {
    await dispose();
    throw error;
  }
  return { root, [Symbol.asyncDispose]: dispose };
}

/**
 * The first-parent history of `commit` that touched `pathspec` (newest first, at most `max`): the
 * versions of a contract package as they were merged.
 */
export async function historyOf(
  repo: string,
  commit: string,
  pathspec: string,
  max: number,
): Promise<string[]> {
  const out = await gitOrThrow(
    ['log', '--first-parent', '--format=%H', `--max-count=${max}`, commit, '--', pathspec],
    { cwd: repo },
  );
  return out.split('\n').filter((line) => line !== '');
}

/** The directory of the nearest `package.json` above a file, inside the repository (`.` for its root). */
export function packageDirOf(repo: string, file: string): string {
  let dir = path.dirname(file);
  while (dir.startsWith(repo) && dir !== repo) {
    if (existsSync(path.join(dir, 'package.json'))) return toPosix(path.relative(repo, dir));
    dir = path.dirname(dir);
  }
  return '.';
}
