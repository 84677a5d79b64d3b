import { resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { build, type Metafile } from 'esbuild';

/** What a browser bundle of an entry weighs, minified and gzipped (level 9), and what went into it. */
export interface BundleFigures {
  /** Bytes a page loads at startup with code splitting on: the entry chunk and its static imports. */
  loaded: number;
  /** Input files of the chunks loaded at startup. */
  loadedInputs: string[];
  /** Bytes of a single-file bundle (no splitting). */
  singleFile: number;
  /** Input files of the single-file bundle. */
  singleFileInputs: string[];
}

/** Options of `measureBundle`. */
export interface MeasureBundleOptions {
  /** Directory that bare imports resolve from (its `node_modules`). */
  workDir: string;
  /**
   * Extra export conditions, such as `@tidings/source` to bundle the workspace's sources.
   * @default [] (packages resolve to what they publish)
   */
  conditions?: readonly string[] | undefined;
}

/** Output files loaded at startup: the entry chunk and what it imports statically (not `import()` chunks). */
function loadedAtStartup(metafile: Metafile): string[] {
  const outputs = metafile.outputs;
  const start = Object.keys(outputs).find((name) => outputs[name]?.entryPoint !== undefined);
  const seen = new Set<string>();
  const queue = start ? [start] : [];
  for (let i = 0; i < queue.length && i < 100; i++) {
    const name = queue[i]!;
    if (seen.has(name)) continue;
    seen.add(name);
    for (const imported of outputs[name]?.imports ?? []) {
      if (imported.kind === 'import-statement' && !imported.external) queue.push(imported.path);
    }
  }
  return [...seen];
}

async function bundle(entry: string, options: MeasureBundleOptions, splitting: boolean) {
  const result = await build({
    entryPoints: [entry],
    bundle: true,
    minify: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    splitting,
    outdir: '/virtual',
    absWorkingDir: options.workDir,
    write: false,
    metafile: true,
    logLevel: 'silent',
    // esbuild drops its default 'module' condition when given conditions: keep it.
    ...(options.conditions?.length ? { conditions: [...options.conditions, 'module'] } : {}),
  });
  const gzip = new Map(
    result.outputFiles.map((file) => [file.path, gzipSync(file.contents, { level: 9 }).length]),
  );
  const gzipOf = (name: string) => gzip.get(resolve(options.workDir, name)) ?? Number.NaN;
  return { metafile: result.metafile, gzipOf };
}

/** Bundles `entry` with esbuild for the browser (ESM, minified, ES2022), with and without code splitting. */
export async function measureBundle(entry: string, options: MeasureBundleOptions): Promise<BundleFigures> {
  const split = await bundle(entry, options, true);
  const loaded = loadedAtStartup(split.metafile);
  const single = await bundle(entry, options, false);
  const [singleOutput] = Object.keys(single.metafile.outputs).filter((name) => !name.endsWith('.map'));
  return {
    loaded: loaded.reduce((sum, name) => sum + split.gzipOf(name), 0),
    loadedInputs: loaded.flatMap((name) => Object.keys(split.metafile.outputs[name]?.inputs ?? {})),
    singleFile: singleOutput === undefined ? Number.NaN : single.gzipOf(singleOutput),
    singleFileInputs: Object.keys(single.metafile.inputs),
  };
}

/** Bundles a test page's entry (`.ts`) into one ES module for the browser, from the workspace's sources, as its text. */
export async function bundlePage(entry: string): Promise<string> {
  const result = await build({
    entryPoints: [entry],
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    write: false,
    logLevel: 'silent',
    // The workspace's sources, never a stale `dist` (esbuild drops its default 'module' condition when given some).
    conditions: ['@tidings/source', 'module'],
  });
  const [output] = result.outputFiles;
  if (output === undefined) throw new Error(`esbuild wrote nothing for ${entry}`);
  return output.text;
}
