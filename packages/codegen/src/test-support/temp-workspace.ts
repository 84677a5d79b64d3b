import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, realpath, rm, symlink, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';

const require = createRequire(import.meta.url);
/** The root directory of an installed package (the nearest `package.json` above its entry point). */
async function packageDir(name: string): Promise<string> {
  let dir = path.dirname(await realpath(require.resolve(name)));
  while (!existsSync(path.join(dir, 'package.json'))) dir = path.dirname(dir);
  return dir;
}

/** A throw-away directory with `node_modules` links to zod and the Tidings packages; removed on dispose. */
export interface TempWorkspace extends AsyncDisposable {
  readonly dir: string;
  /** Writes files (paths relative to the workspace), creating their directories. */
  write(files: Readonly<Record<string, string>>): Promise<void>;
  /** Links `node_modules/<name>` to a directory of the workspace, as a package manager would. */
  link(name: string, target: string): Promise<void>;
}

const DEFAULT_PACKAGES = ['zod', '@tidings/contract', '@tidings/client'];

/** Creates a temporary workspace (an ESM package) whose modules can import `packages` (zod and `@tidings/*`). */
export async function createTempWorkspace(
  packages: readonly string[] = DEFAULT_PACKAGES,
): Promise<TempWorkspace> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'tidings-codegen-'));
  const link = async (name: string, target: string): Promise<void> => {
    const at = path.join(dir, 'node_modules', name);
    await mkdir(path.dirname(at), { recursive: true });
    await symlink(path.resolve(dir, target), at, 'dir');
  };
  const write = async (files: Readonly<Record<string, string>>): Promise<void> => {
    for (const [file, text] of Object.entries(files)) {
      await mkdir(path.dirname(path.join(dir, file)), { recursive: true });
      await writeFile(path.join(dir, file), text);
    }
  };
  await write({ 'package.json': '{ "type": "module", "private": true }\n' });
  for (const name of packages) await link(name, await packageDir(name));
  return {
    dir,
    write,
    link,
    [Symbol.asyncDispose]: () => rm(dir, { recursive: true, force: true }),
  };
}
