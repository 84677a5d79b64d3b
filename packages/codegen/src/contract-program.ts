import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { Project, ts } from 'ts-morph';
import { TidingsCodegenError } from './errors.ts';

const VIRTUAL_FILE = '__tidings_codegen__.mts';
const MAX_DIAGNOSTICS = 10;

/** The directory of the `@tidings/contract` this package uses: its sources are not the user's to type-check. */
const ownContractEntry = createRequire(import.meta.url).resolve('@tidings/contract');
const ownContractDir = path.dirname(ownContractEntry);

/** An export of the contract module as the checker sees it. */
export interface ContractExport {
  name: string;
  isContract: boolean;
}

/** The contract module loaded into a TypeScript program, with a way to read each export's shape. */
export interface ContractProgram {
  program: ts.Program;
  checker: ts.TypeChecker;
  /** The module's value exports, sorted by name. */
  exports: ContractExport[];
  /** `ShapeOf<typeof export>`, resolved by the checker. */
  shapeOf(exportName: string): ts.Type;
}

function findTsconfig(from: string): string | undefined {
  for (let dir = from; ; dir = path.dirname(dir)) {
    const candidate = path.join(dir, 'tsconfig.json');
    if (existsSync(candidate)) return candidate;
    if (path.dirname(dir) === dir) return undefined;
  }
}

/** Compiler options forced on top of the user's tsconfig: output types are only right under `strict`. */
const FORCED_OPTIONS: ts.CompilerOptions = {
  strict: true,
  exactOptionalPropertyTypes: true,
  skipLibCheck: true,
  noEmit: true,
  allowImportingTsExtensions: true,
  composite: false,
  declaration: false,
  incremental: false,
};

const DEFAULT_OPTIONS: ts.CompilerOptions = {
  target: ts.ScriptTarget.ES2023,
  module: ts.ModuleKind.NodeNext,
  moduleResolution: ts.ModuleResolutionKind.NodeNext,
  lib: ['lib.es2023.d.ts'],
  types: [],
};

function isContractType(checker: ts.TypeChecker, type: ts.Type): boolean {
  const kind = type.getProperty('kind');
  if (!kind || !type.getProperty('streams')) return false;
  const kindType = checker.getTypeOfSymbol(kind);
  return kindType.isStringLiteral() && kindType.value === 'tidings.contract';
}

function moduleSpecifier(fromDir: string, target: string): string {
  const relative = path.relative(fromDir, target).split(path.sep).join('/');
  return relative.startsWith('.') ? relative : `./${relative}`;
}

/**
 * The helper module placed beside the contract: it spells `ShapeOf<typeof export>` for every contract
 * export. Mapped types resolve lazily, so only the export that is read costs checking time.
 */
function helperSource(dir: string, file: string): string {
  return [
    `import type { AnyContract, ShapeOf } from ${JSON.stringify(moduleSpecifier(dir, ownContractEntry))};`,
    `import type * as contractModule from ${JSON.stringify(moduleSpecifier(dir, file))};`,
    'type ContractModule = typeof contractModule;',
    'export type TidingsExports = ContractModule;',
    'export type TidingsShapes = {',
    '  [TName in keyof ContractModule]: ContractModule[TName] extends AnyContract ? ShapeOf<ContractModule[TName]> : never;',
    '};',
    '',
  ].join('\n');
}

/**
 * How much of the environment to load. `lean` leaves out DOM libs and `@types/*` packages, which are
 * most of the parsing time and which a contract rarely needs; `full` is the project's own setup.
 */
export type ProgramMode = 'lean' | 'full';

const HOST_LIB = /^lib\.(dom|webworker|scripthost)/i;

function createProject(file: string, display: string, mode: ProgramMode): Project {
  const tsconfig = findTsconfig(path.dirname(file));
  try {
    const project = tsconfig
      ? new Project({
          tsConfigFilePath: tsconfig,
          skipAddingFilesFromTsConfig: true,
          compilerOptions: FORCED_OPTIONS,
        })
      : new Project({ compilerOptions: { ...DEFAULT_OPTIONS, ...FORCED_OPTIONS } });
    if (mode === 'lean') {
      const options = project.getCompilerOptions();
      const lib = (options.lib ?? ['lib.es2023.d.ts']).filter((name) => !HOST_LIB.test(name));
      project.compilerOptions.set({ lib: lib.length > 0 ? lib : ['lib.es2023.d.ts'], types: [] });
    }
    return project;
  } catch (error) {
    throw new TidingsCodegenError(
      `@tidings/codegen: could not read ${tsconfig ?? 'the TypeScript configuration'} for ${display}: ${error instanceof Error ? error.message : String(error)}`,
      { cause: error },
    );
  }
}

/** Loads the contract module (and everything it imports) into one TypeScript program. */
export function openContractProgram(file: string, display: string, mode: ProgramMode): ContractProgram {
  const project = createProject(file, display, mode);
  const dir = path.dirname(file);
  project.addSourceFileAtPath(file);
  const helper = project.createSourceFile(path.join(dir, VIRTUAL_FILE), helperSource(dir, file), {
    overwrite: true,
  });
  const program = project.getProgram().compilerObject;
  const checker = program.getTypeChecker();
  const helperFile = program.getSourceFile(helper.getFilePath());
  const alias = (name: string): ts.Type => {
    const statement = helperFile?.statements.find(
      (node): node is ts.TypeAliasDeclaration => ts.isTypeAliasDeclaration(node) && node.name.text === name,
    );
    if (!statement) throw new TidingsCodegenError(`@tidings/codegen: TypeScript could not load ${display}.`);
    return checker.getTypeAtLocation(statement.name);
  };
  const moduleType = alias('TidingsExports');
  const exports = checker
    .getPropertiesOfType(moduleType)
    .map((symbol) => ({
      name: symbol.name,
      isContract: isContractType(checker, checker.getTypeOfSymbol(symbol)),
    }))
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  let shapes: ts.Type | undefined;
  const shapeOf = (exportName: string): ts.Type => {
    shapes ??= alias('TidingsShapes');
    const symbol = shapes.getProperty(exportName);
    if (!symbol) throw new TidingsCodegenError(`@tidings/codegen: ${display} has no export "${exportName}".`);
    return checker.getTypeOfSymbol(symbol);
  };
  return { program, checker, exports, shapeOf };
}

function formatDiagnostic(diagnostic: ts.Diagnostic, cwd: string): string {
  const message = ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n    ');
  if (!diagnostic.file || diagnostic.start === undefined) return `  error TS${diagnostic.code}: ${message}`;
  const { line, character } = diagnostic.file.getLineAndCharacterOfPosition(diagnostic.start);
  const where =
    path.basename(diagnostic.file.fileName) === VIRTUAL_FILE
      ? '(the contract export)'
      : `${path.relative(cwd, diagnostic.file.fileName)}:${line + 1}:${character + 1}`;
  return `  ${where} - error TS${diagnostic.code}: ${message}`;
}

/** Errors in the contract's own files (not libraries, not `@tidings/contract`). */
export function typeErrors(program: ts.Program): ts.Diagnostic[] {
  const diagnostics: ts.Diagnostic[] = [];
  for (const sourceFile of program.getSourceFiles()) {
    const name = sourceFile.fileName;
    if (sourceFile.isDeclarationFile || name.includes('/node_modules/')) continue;
    if (name.startsWith(`${ownContractDir}/`)) continue;
    diagnostics.push(
      ...program.getSyntacticDiagnostics(sourceFile),
      ...program.getSemanticDiagnostics(sourceFile).filter((d) => d.category === ts.DiagnosticCategory.Error),
    );
  }
  return diagnostics;
}

/** Throws a readable error listing `diagnostics` (the first few), when there are any. */
export function assertNoTypeErrors(
  diagnostics: readonly ts.Diagnostic[],
  display: string,
  cwd: string,
): void {
  if (diagnostics.length === 0) return;
  const shown = diagnostics.slice(0, MAX_DIAGNOSTICS).map((d) => formatDiagnostic(d, cwd));
  const more =
    diagnostics.length > MAX_DIAGNOSTICS ? `\n  … and ${diagnostics.length - MAX_DIAGNOSTICS} more` : '';
  throw new TidingsCodegenError(
    `@tidings/codegen: ${display} does not type-check, so its types cannot be read; expected a contract that compiles. ${diagnostics.length} error(s):\n${shown.join('\n')}${more}`,
  );
}

/**
 * Opens the contract in a lean program and falls back to the project's full setup only when the lean
 * one reports errors (a contract that uses DOM or Node types); throws if the full one does too.
 */
export function openCheckedContractProgram(file: string, display: string, cwd: string): ContractProgram {
  const lean = openContractProgram(file, display, 'lean');
  if (typeErrors(lean.program).length === 0) return lean;
  const full = openContractProgram(file, display, 'full');
  assertNoTypeErrors(typeErrors(full.program), display, cwd);
  return full;
}
