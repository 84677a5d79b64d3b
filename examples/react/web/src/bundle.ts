import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

/** The page's script and stylesheet, bundled in memory. */
export interface ReactExampleAssets {
  /** The ES module that hydrates the page (React, the hooks and the generated client; no zod). */
  readonly script: string;
  /** The stylesheet. */
  readonly styles: string;
  /** The source files in the script, relative to this package (to check what ships to browsers). */
  readonly modules: readonly string[];
}

/** Bundles the page with esbuild in memory (minified: React's production build), so the server needs no build step. */
export async function bundleReactExample(): Promise<ReactExampleAssets> {
  const result = await build({
    entryPoints: {
      app: fileURLToPath(new URL('./main.tsx', import.meta.url)),
      styles: fileURLToPath(new URL('./styles.css', import.meta.url)),
    },
    outdir: '/market-react',
    bundle: true,
    write: false,
    format: 'esm',
    platform: 'browser',
    jsx: 'automatic',
    // In this workspace @tidings/* resolve to their sources (no build step); 'module' is esbuild's default.
    conditions: ['@tidings/source', 'module'],
    target: ['es2022', 'chrome111', 'firefox113', 'safari16.4'],
    minify: true,
    legalComments: 'none',
    logLevel: 'silent',
    metafile: true,
    absWorkingDir: fileURLToPath(new URL('..', import.meta.url)),
  });
  const output = (name: string): string => {
    const file = result.outputFiles.find((f) => f.path.endsWith(`/${name}`));
    if (!file) throw new Error(`@acme/market-react: esbuild produced no ${name}.`);
    return file.text;
  };
  return {
    script: output('app.js'),
    styles: output('styles.css'),
    modules: Object.keys(result.metafile.inputs),
  };
}
