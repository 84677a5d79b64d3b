import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { beforeAll, describe, expect, test } from 'vitest';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/**
 * A README whose ```ts and ```tsx blocks must compile, with the folder their imports resolve from
 * (`tsxBase` for its ```tsx blocks, when they need React and that folder has none).
 */
interface Readme {
  file: string;
  base: string;
  tsxBase?: string | undefined;
}

/** README files whose snippets must compile. */
function readmes(): Readme[] {
  const found: Readme[] = [];
  // The root README's snippets import every package and the example contract: resolve from the example
  // server; its React snippets from the React example, which has React and @tidings/react.
  found.push({
    file: join(root, 'README.md'),
    base: join(root, 'examples/market/server'),
    tsxBase: join(root, 'examples/react/web'),
  });
  for (const group of ['packages', 'examples/market', 'examples/react', 'bench']) {
    const dir = join(root, group);
    if (!existsSync(dir)) continue;
    const folders = group === 'bench' ? [dir] : readdirSync(dir).map((name) => join(dir, name));
    for (const folder of folders) {
      const file = join(folder, 'README.md');
      if (existsSync(file)) found.push({ file, base: folder });
    }
  }
  const example = join(root, 'examples/market/README.md');
  if (existsSync(example)) found.push({ file: example, base: join(root, 'examples/market/server') });
  const react = join(root, 'examples/react/README.md');
  if (existsSync(react)) found.push({ file: react, base: join(root, 'examples/react/web') });
  const answers = join(root, 'examples/answers/README.md');
  if (existsSync(answers)) found.push({ file: answers, base: join(root, 'examples/answers/app') });
  return found;
}

function snippets(markdown: string): { code: string; line: number; tsx: boolean }[] {
  const out: { code: string; line: number; tsx: boolean }[] = [];
  const fence = /^```(ts|typescript|tsx)\s*\n([\s\S]*?)^```/gm;
  for (const match of markdown.matchAll(fence)) {
    out.push({
      code: match[2]!,
      line: markdown.slice(0, match.index).split('\n').length,
      tsx: match[1] === 'tsx',
    });
  }
  return out;
}

function compilerOptions(): ts.CompilerOptions {
  const config = ts.readConfigFile(join(root, 'tsconfig.base.json'), ts.sys.readFile);
  // JSX as the repo's tsconfig.json compiles it; only ```tsx snippets (virtual .tsx files) read it.
  return { ...ts.parseJsonConfigFileContent(config.config, ts.sys, root).options, jsx: ts.JsxEmit.ReactJSX };
}

interface Snippet {
  readme: string;
  text: string;
  line: number;
}

/** One program for every snippet of every README: each snippet is a virtual file in its README's base folder. */
function checkAll(files: Readme[]): Map<string, string[]> {
  const virtual = new Map<string, Snippet>();
  for (const { file, base, tsxBase } of files) {
    const readme = relative(root, file);
    snippets(readFileSync(file, 'utf8')).forEach(({ code, line, tsx }, index) => {
      const folder = tsx ? (tsxBase ?? base) : base;
      const stem = `__readme_snippet_${readme.replace(/[^A-Za-z0-9]/g, '_')}_${index}__`;
      const name = join(folder, `${stem}.${tsx ? 'tsx' : 'ts'}`);
      virtual.set(name, { readme, text: `${code}\nexport {};\n`, line });
    });
  }
  const options = compilerOptions();
  const host = ts.createCompilerHost(options);
  const getSourceFile = host.getSourceFile.bind(host);
  host.getSourceFile = (name, languageVersion, onError, shouldCreate) => {
    const snippet = virtual.get(resolve(name));
    return snippet
      ? ts.createSourceFile(name, snippet.text, languageVersion, true)
      : getSourceFile(name, languageVersion, onError, shouldCreate);
  };
  const fileExists = host.fileExists.bind(host);
  host.fileExists = (name) => virtual.has(resolve(name)) || fileExists(name);
  const program = ts.createProgram([...virtual.keys()], options, host);
  const problems = new Map<string, string[]>(files.map(({ file }) => [relative(root, file), []]));
  for (const d of ts.getPreEmitDiagnostics(program)) {
    const snippet = d.file && virtual.get(resolve(d.file.fileName));
    if (!snippet) continue;
    const { line } = d.file!.getLineAndCharacterOfPosition(d.start ?? 0);
    problems
      .get(snippet.readme)!
      .push(
        `${snippet.readme}:${snippet.line + line + 1}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`,
      );
  }
  return problems;
}

describe('README snippets compile', () => {
  const files = readmes();
  let problems: Map<string, string[]>;
  beforeAll(() => {
    problems = checkAll(files);
  }, 120_000);

  test('there are README snippets to check', () => {
    expect(files.flatMap(({ file }) => snippets(readFileSync(file, 'utf8'))).length).toBeGreaterThan(0);
  });

  test.each(files.map(({ file }) => relative(root, file)))('%s', (readme) => {
    expect(problems.get(readme)).toEqual([]);
  });
});
