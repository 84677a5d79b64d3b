import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

/** The page's script, bundled in memory. */
export interface AnswersAssets {
  /** The ES module that runs the page (the generated client and its runtime; no zod). */
  readonly script: string;
  /** The source files in the script, relative to this package (to check what ships to browsers). */
  readonly modules: readonly string[];
}

/** Bundles the page with esbuild in memory, so the server needs no build step. */
export async function bundleAnswersPage(): Promise<AnswersAssets> {
  const result = await build({
    entryPoints: { app: fileURLToPath(new URL('./page.ts', import.meta.url)) },
    outdir: '/answers',
    bundle: true,
    write: false,
    format: 'esm',
    platform: 'browser',
    // In this workspace @tidings/* resolve to their sources (no build step); 'module' is esbuild's default.
    conditions: ['@tidings/source', 'module'],
    target: ['es2022', 'chrome111', 'firefox113', 'safari16.4'],
    minify: true,
    legalComments: 'none',
    logLevel: 'silent',
    metafile: true,
    absWorkingDir: fileURLToPath(new URL('..', import.meta.url)),
  });
  const file = result.outputFiles.find((f) => f.path.endsWith('/app.js'));
  if (!file) throw new Error('@acme/answers: esbuild produced no app.js.');
  return { script: file.text, modules: Object.keys(result.metafile.inputs) };
}
