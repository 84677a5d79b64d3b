import { existsSync } from 'node:fs';
import { cp, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { measureBundle } from '@tidings/test-kit/bundle';
import { describeRun, type RunResult, run } from '@tidings/test-kit/process';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';

/**
 * What a user gets from npm: every package is built, packed and installed from its tarball with npm
 * in a folder outside the checkout, then used by plain Node, CommonJS, tsc and the installed CLI.
 */

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const FIXTURES = fileURLToPath(new URL('./fixtures/', import.meta.url));
/** The contract whose generated client the client README's bundle figure is about. */
const MARKET_CONTRACT = path.join(ROOT, 'test-kit/src/contract.ts');
const PACKAGES = ['contract', 'server', 'redis', 'client', 'codegen', 'react'] as const;

/**
 * TypeScript versions the READMEs claim, with the package that installs each: the current one, and the
 * oldest that compiles Fastify 5's and zod 4's own declarations (they use `NoInfer`, new in 5.4).
 */
const TYPESCRIPT = {
  '6.0': { spec: '~6.0.3', dir: 'typescript' },
  '5.4': { spec: 'npm:typescript@~5.4.5', dir: 'typescript-5.4' },
} as const;
type TypeScriptVersion = keyof typeof TYPESCRIPT;

/** Build, pack and install: well under a minute on a warm npm cache, a few minutes at worst. */
const SETUP_TIMEOUT_MS = 180_000;

/** "10.4 KB", as the client README counts: what a page loads of a generated client, gzipped (6.7 KB before the reliability work of issue 12 and multiplexing; see the client README). */
const MAX_GZIP_LOADED = Math.floor(10.4 * 1024);

/** What @tidings/react's hooks add to a page that loads a generated client and React, gzipped (see the react README). */
const MAX_GZIP_HOOKS = 1_400;

/** Environment of the consumer's processes: no workspace condition, no pnpm settings, no checkout on PATH. */
function consumerEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { NO_COLOR: '1' };
  for (const [key, value] of Object.entries(process.env)) {
    if (key === 'npm_config_registry') env[key] = value;
    else if (!/^(npm_|pnpm_|VITEST|NODE_OPTIONS$|NODE_ENV$|INIT_CWD$)/i.test(key)) env[key] = value;
  }
  env['PATH'] = (process.env['PATH'] ?? '')
    .split(path.delimiter)
    .filter((dir) => dir !== '' && path.isAbsolute(dir) && !`${path.resolve(dir)}/`.startsWith(ROOT))
    .join(path.delimiter);
  return env;
}

function lastLine(text: string): string {
  return text.trim().split('\n').at(-1) ?? '';
}

function expectSuccess(result: RunResult): void {
  expect(result.code, describeRun(result)).toBe(0);
}

/** Every file under `dir`, relative to it, with `/` separators. */
async function listFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((entry) => entry.isFile())
    .map((entry) => path.relative(dir, path.join(entry.parentPath, entry.name)).split(path.sep).join('/'))
    .sort();
}

describe('the packed tarballs, installed with npm in a folder outside the checkout', () => {
  const env = consumerEnv();
  let work = '';
  let app = '';
  const tarballs = new Map<string, string>();
  const node = (args: readonly string[], timeoutMs = 30_000) =>
    run(process.execPath, args, { cwd: app, env, timeoutMs });
  // Four runs of tsc at once over every installed declaration file: on a loaded 2-core machine each
  // takes 45–90 s, so the bound is generous (it only stops a hung compiler).
  const tsc = (version: TypeScriptVersion, project: string) =>
    node([path.join(app, 'node_modules', TYPESCRIPT[version].dir, 'bin/tsc'), '-p', project], 240_000);

  beforeAll(async () => {
    work = await mkdtemp(path.join(os.tmpdir(), 'tidings-consumer-'));
    app = path.join(work, 'app');
    const packed = path.join(work, 'tarballs');

    const build = await run('pnpm', ['build'], { cwd: ROOT, timeoutMs: 90_000 });
    if (build.code !== 0) throw new Error(`pnpm build failed: ${describeRun(build)}`);
    const pack = await run(
      'pnpm',
      ['--recursive', '--filter', './packages/*', 'pack', '--pack-destination', packed],
      { cwd: ROOT, timeoutMs: 30_000 },
    );
    if (pack.code !== 0) throw new Error(`pnpm pack failed: ${describeRun(pack)}`);
    for (const file of await readdir(packed)) {
      const name = PACKAGES.find((candidate) => file.startsWith(`tidings-${candidate}-`));
      if (name) tarballs.set(name, path.join(packed, file));
    }
    if (tarballs.size !== PACKAGES.length) throw new Error(`pnpm pack wrote ${[...tarballs.keys()]}`);

    await mkdir(app);
    await cp(FIXTURES, app, { recursive: true });
    await cp(MARKET_CONTRACT, path.join(app, 'src/contract.ts'));
    const ours = Object.fromEntries(
      PACKAGES.map((name) => [`@tidings/${name}`, `file:${path.relative(app, tarballs.get(name)!)}`]),
    );
    const manifest = {
      name: 'tidings-consumer',
      private: true,
      type: 'module',
      dependencies: {
        ...ours,
        fastify: '^5.0.0',
        zod: '^4.1.0',
        // The optional peer dependency of @tidings/server/metrics (@opentelemetry/api, a required one, npm installs itself).
        'prom-client': '^15.1.3',
        react: '^19.0.0',
        'react-dom': '^19.0.0',
        '@types/react': '^19.0.0',
        '@types/node': '^20.19.0',
        ...Object.fromEntries(Object.values(TYPESCRIPT).map(({ dir, spec }) => [dir, spec])),
      },
      // Dependencies between our packages are the tarballs too, never a registry lookup.
      overrides: Object.fromEntries(Object.keys(ours).map((name) => [name, `$${name}`])),
    };
    await writeFile(path.join(app, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);
    const install = await run(
      'npm',
      ['install', '--no-audit', '--no-fund', '--prefer-offline', '--loglevel=error'],
      { cwd: app, env, timeoutMs: 120_000 },
    );
    if (install.code !== 0) throw new Error(`npm install failed: ${describeRun(install)}`);
  }, SETUP_TIMEOUT_MS);

  afterAll(async () => {
    if (work) await rm(work, { recursive: true, force: true });
  });

  test('each tarball holds package.json, README.md, LICENSE and dist/ only, with real versions for workspace:*', async () => {
    for (const name of PACKAGES) {
      const dir = path.join(app, 'node_modules/@tidings', name);
      const files = await listFiles(dir);
      const extra = name === 'codegen' ? ['bin/tidings.mjs'] : [];
      const shipped = files.filter((file) => !file.startsWith('dist/'));
      expect(shipped, name).toEqual(['LICENSE', 'README.md', ...extra, 'package.json'].sort());
      const dist = files.filter((file) => file.startsWith('dist/'));
      expect(
        dist.filter((file) => !/\.(js|d\.ts|d\.ts\.map)$/.test(file)),
        name,
      ).toEqual([]);
      expect(
        dist.filter((file) => /\.test(-d)?\.|test-support|__fixtures__|__snapshots__/.test(file)),
        name,
      ).toEqual([]);
      expect(dist, name).toContain('dist/index.d.ts.map');

      const manifest = await readFile(path.join(dir, 'package.json'), 'utf8');
      expect(manifest, name).not.toContain('workspace:');
      const { version, dependencies = {} } = JSON.parse(manifest) as {
        version: string;
        dependencies?: Record<string, string>;
      };
      for (const [dependency, range] of Object.entries(dependencies)) {
        if (dependency.startsWith('@tidings/')) expect(range, `${name} → ${dependency}`).toBe(version);
      }
      // One copy of each package: nothing under our names was fetched from the registry.
      expect(existsSync(path.join(dir, 'node_modules/@tidings')), name).toBe(false);
    }
  });

  test('plain `node app.mjs` (no loader): a hub on Fastify, a client subscribed to it, the event arrives and /metrics counts it', async () => {
    const plain = await node(['app.mjs']);
    expectSuccess(plain);
    expect(JSON.parse(lastLine(plain.stdout))).toEqual({
      type: 'story',
      data: { title: 'Hello from plain Node' },
      emitted: 1,
    });
  }, 60_000);

  test('a CommonJS file require()s every entry point (require of ESM) and runs a hub and a client with them', async () => {
    const required = await node(['app.cjs']);
    expectSuccess(required);
    const result = JSON.parse(lastLine(required.stdout)) as {
      exported: Record<string, number>;
      type: string;
      data: unknown;
      refused: boolean;
    };
    expect(Object.keys(result.exported)).toHaveLength(11);
    for (const [entry, count] of Object.entries(result.exported)) expect(count, entry).toBeGreaterThan(0);
    expect(result).toMatchObject({ type: 'story', data: { title: 'Hello from require()' }, refused: true });
  }, 60_000);

  test('plain `node react-ssr.mjs`: @tidings/react hooks rendered by react-dom/server show the initial state and open no connection', async () => {
    const ssr = await node(['react-ssr.mjs']);
    expectSuccess(ssr);
    expect(JSON.parse(lastLine(ssr.stdout))).toEqual({
      html: '<p data-status="connecting">no story yet<!-- --> (0)</p>',
      requests: 0,
      connections: 0,
    });
  }, 60_000);

  const typeChecks = (Object.keys(TYPESCRIPT) as TypeScriptVersion[]).flatMap((version) =>
    (['nodenext', 'bundler'] as const).map((resolution) => [version, resolution] as const),
  );
  test.concurrent.each(typeChecks)(
    'tsc %s, moduleResolution %s, skipLibCheck false, strict, exactOptionalPropertyTypes, noUncheckedIndexedAccess: the consumer compiles and each @ts-expect-error (wrong event, wrong payload, missing field) is an error',
    async (version, resolution) => {
      const installed = await node([
        path.join(app, 'node_modules', TYPESCRIPT[version].dir, 'bin/tsc'),
        '--version',
      ]);
      expect(installed.stdout).toContain(`Version ${version}.`);
      expectSuccess(await tsc(version, `tsconfig.${resolution}.json`));
    },
    300_000,
  );

  test('the installed `tidings generate` (npx) writes a client that compiles against the installed @tidings/client and receives an event from the hub', async () => {
    const args = ['--contract', 'src/contract.ts', '--out', 'src/api.generated.ts'];
    const generate = await run('npx', ['--no', 'tidings', 'generate', ...args], {
      cwd: app,
      env,
      timeoutMs: 60_000,
    });
    expectSuccess(generate);
    const generated = await readFile(path.join(app, 'src/api.generated.ts'), 'utf8');
    expect([...generated.matchAll(/from '([^']+)'/g)].map((match) => match[1])).toEqual(['@tidings/client']);
    const check = await run('npx', ['--no', 'tidings', 'check', ...args], {
      cwd: app,
      env,
      timeoutMs: 60_000,
    });
    expectSuccess(check);

    expectSuccess(await tsc('6.0', 'tsconfig.generated.json'));
    const generatedApp = await node(['out/generated-app.js']);
    expectSuccess(generatedApp);
    expect(JSON.parse(lastLine(generatedApp.stdout))).toEqual({ price: 42.5, at: 'now' });
  }, 120_000);

  test(`the generated client, bundled from the installed dist (esbuild, minified, gzipped), loads at most ${MAX_GZIP_LOADED} bytes (10.4 KB) and no zod`, async ({
    annotate,
  }) => {
    const figures = await measureBundle(path.join(app, 'src/api.generated.ts'), { workDir: app });
    await annotate(`what a page loads: ${figures.loaded} B; a single-file bundle: ${figures.singleFile} B`);
    const inputs = figures.loadedInputs;
    expect(inputs.some((input) => input.includes('node_modules/@tidings/client/dist/'))).toBe(true);
    expect(inputs.some((input) => input.includes('/zod/'))).toBe(false);
    expect(inputs.some((input) => /json-schema|fingerprint/.test(input))).toBe(false);
    expect(
      figures.loaded,
      `loaded ${figures.loaded} B, single file ${figures.singleFile} B`,
    ).toBeLessThanOrEqual(MAX_GZIP_LOADED);
  }, 60_000);

  test(`@tidings/react's hooks, bundled from the installed dist, add at most ${MAX_GZIP_HOOKS} bytes to a page with the generated client and React`, async ({
    annotate,
  }) => {
    const [baseline, hooks] = await Promise.all([
      measureBundle(path.join(app, 'src/react-baseline.ts'), { workDir: app }),
      measureBundle(path.join(app, 'src/react-hooks.ts'), { workDir: app }),
    ]);
    const added = hooks.loaded - baseline.loaded;
    await annotate(
      `hooks: +${added} B loaded (+${hooks.singleFile - baseline.singleFile} B single file) over ${baseline.loaded} B`,
    );
    expect(hooks.loadedInputs.some((input) => input.includes('node_modules/@tidings/react/dist/'))).toBe(
      true,
    );
    expect(baseline.loadedInputs.some((input) => input.includes('node_modules/react/'))).toBe(true);
    expect(hooks.loadedInputs.some((input) => input.includes('/zod/'))).toBe(false);
    expect(added).toBeGreaterThan(300);
    expect(added, `hooks add ${added} B`).toBeLessThanOrEqual(MAX_GZIP_HOOKS);
  }, 60_000);

  test.concurrent.each(PACKAGES)(
    'publint --strict and attw (profile node16, require of ESM allowed) find no problem in @tidings/%s',
    async (name) => {
      const tarball = tarballs.get(name)!;
      const bin = async (pkg: string, command: string) => {
        const manifest = JSON.parse(
          await readFile(path.join(ROOT, 'node_modules', pkg, 'package.json'), 'utf8'),
        ) as { bin: Record<string, string> };
        return path.join(ROOT, 'node_modules', pkg, manifest.bin[command]!);
      };
      const publint = await run(
        process.execPath,
        [await bin('publint', 'publint'), 'run', tarball, '--strict'],
        {
          cwd: work,
          timeoutMs: 60_000,
        },
      );
      expectSuccess(publint);
      // ESM only: `node10` resolution (no `exports`) is out of scope, and a `require` that resolves to
      // ESM is what Node >= 20.19 loads (require of ESM), which attw's TypeScript 5.6 does not model.
      const attw = await run(
        process.execPath,
        [
          await bin('@arethetypeswrong/cli', 'attw'),
          tarball,
          '--profile',
          'node16',
          '--ignore-rules',
          'cjs-resolves-to-esm',
          '--no-definitely-typed',
          '--format',
          'ascii',
        ],
        { cwd: work, timeoutMs: 60_000 },
      );
      expectSuccess(attw);
    },
    90_000,
  );
});
