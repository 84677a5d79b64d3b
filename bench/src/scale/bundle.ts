import { builtinModules, createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

/** The part of esbuild's API the bundle uses (esbuild comes with tsx; the bench does not depend on it). */
interface ResolveArgs {
  path: string;
  kind: string;
  importer: string;
  resolveDir: string;
  pluginData?: unknown;
}
interface PluginBuild {
  onResolve(
    options: { filter: RegExp },
    callback: (args: ResolveArgs) => Promise<{ path: string; external: boolean } | undefined>,
  ): void;
  resolve(path: string, options: Omit<ResolveArgs, 'path'>): Promise<{ path: string; errors: unknown[] }>;
}
interface Esbuild {
  build(options: {
    entryPoints: string[];
    outfile: string;
    bundle: true;
    platform: 'node';
    format: 'esm';
    target: string;
    conditions: string[];
    logLevel: 'warning';
    plugins: { name: string; setup(build: PluginBuild): void }[];
  }): Promise<{ errors: unknown[] }>;
}

const ENTRY = fileURLToPath(new URL('./server.ts', import.meta.url));
/** In the bench's `node_modules/.cache/`, which git and the linter skip. */
const OUTFILE = fileURLToPath(
  new URL('../../node_modules/.cache/tidings-bench/scale-server.mjs', import.meta.url),
);
const INNER = Symbol('inner');
const BUILTIN = new Set([...builtinModules, ...builtinModules.map((name) => `node:${name}`)]);

/**
 * Bundles the scale server (its TypeScript and the `@tidings/*` sources) into one JavaScript file
 * that plain `node` runs, as a deployment runs built code: under tsx every process also carries
 * tsx's loader thread, about 35 MiB of RSS that is no part of Tidings. Other packages stay
 * external, imported from where they are installed. Resolves to the bundle's path.
 */
export async function bundleScaleServer(): Promise<string> {
  const require = createRequire(fileURLToPath(import.meta.resolve('tsx')));
  const esbuild = require('esbuild') as Esbuild;
  await esbuild.build({
    entryPoints: [ENTRY],
    outfile: OUTFILE,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    conditions: ['@tidings/source'],
    logLevel: 'warning',
    plugins: [
      {
        name: 'external-packages',
        setup(build) {
          // A package outside the workspace: imported by absolute path from where pnpm put it.
          build.onResolve({ filter: /^[^./]/ }, async (args) => {
            const { path } = args;
            if (args.pluginData === INNER || path.startsWith('@tidings/') || BUILTIN.has(path))
              return undefined;
            const resolved = await build.resolve(path, {
              kind: args.kind,
              importer: args.importer,
              resolveDir: args.resolveDir,
              pluginData: INNER,
            });
            return resolved.errors.length > 0 ? undefined : { path: resolved.path, external: true };
          });
        },
      },
    ],
  });
  return OUTFILE;
}
