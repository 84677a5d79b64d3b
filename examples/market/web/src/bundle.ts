import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

/** The page's script and stylesheet, bundled in memory. */
export interface MarketWebAssets {
  /** The ES module that runs the page (the generated client and its runtime included; no zod). */
  readonly script: string;
  /** The stylesheet. */
  readonly styles: string;
  /** The source files in the bundle, relative to the web package (to check what ships to browsers). */
  readonly modules: readonly string[];
}

/** Options of `bundleMarketWeb`. */
export interface BundleOptions {
  /**
   * Minify the output.
   * @default true
   */
  minify?: boolean | undefined;
}

/** Bundles the web app with esbuild in memory, so the server needs no build step. */
export async function bundleMarketWeb(options: BundleOptions = {}): Promise<MarketWebAssets> {
  const result = await build({
    entryPoints: {
      app: fileURLToPath(new URL('./app.ts', import.meta.url)),
      styles: fileURLToPath(new URL('./styles.css', import.meta.url)),
    },
    outdir: '/market-web',
    bundle: true,
    write: false,
    format: 'esm',
    platform: 'browser',
    // In this workspace @tidings/client resolves to its sources (no build step); 'module' is esbuild's default.
    conditions: ['@tidings/source', 'module'],
    target: ['es2022', 'chrome111', 'firefox113', 'safari16.4'],
    minify: options.minify ?? true,
    legalComments: 'none',
    logLevel: 'silent',
    metafile: true,
    absWorkingDir: fileURLToPath(new URL('..', import.meta.url)),
  });
  const output = (name: string): string => {
    const file = result.outputFiles.find((f) => f.path.endsWith(`/${name}`));
    if (!file) throw new Error(`@acme/market-web: esbuild produced no ${name}.`);
    return file.text;
  };
  return {
    script: output('app.js'),
    styles: output('styles.css'),
    modules: Object.keys(result.metafile.inputs),
  };
}
