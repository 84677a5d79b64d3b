#!/usr/bin/env node
// The `tidings` CLI. tsx is registered so that a contract written in TypeScript can be imported.
// Installed from npm, it runs the built dist/cli.js. In the Tidings workspace (src/ beside it, never
// published) it runs the sources, and @tidings/* resolve to theirs through the "@tidings/source"
// export condition, so nothing needs a build.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { register } from 'tsx/esm/api';

const CONDITION = '@tidings/source';
const source = new URL('../src/cli.ts', import.meta.url);

if (!existsSync(source)) {
  register();
  await import('../dist/cli.js');
} else if ([...process.execArgv, process.env.NODE_OPTIONS ?? ''].join(' ').includes(CONDITION)) {
  register();
  await import(source.href);
} else {
  // Started without the condition (a package.json script): run again with it, for import and require alike.
  const args = [`--conditions=${CONDITION}`, ...process.execArgv, fileURLToPath(import.meta.url)];
  const child = spawnSync(process.execPath, [...args, ...process.argv.slice(2)], { stdio: 'inherit' });
  process.exitCode = child.status ?? 1;
}
