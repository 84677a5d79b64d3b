import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { type AnyContract, isContract } from '@tidings/contract';
import { TidingsCodegenError } from './errors.ts';

/** Where a contract comes from: the module file and (optionally) the export name. */
export interface ContractSource {
  /** Path of the module that exports the contract. */
  contract: string;
  /**
   * The export to read.
   * @default the module's only contract export
   */
  export?: string | undefined;
  /**
   * Directory that relative paths are resolved from and messages are relative to.
   * @default process.cwd()
   */
  cwd?: string | undefined;
}

/** A contract source resolved to an absolute path and a path for messages. */
export interface ResolvedFile {
  file: string;
  display: string;
}

/** Resolves the contract path and fails with a readable message when it is missing. */
export function resolveContractFile(options: ContractSource): ResolvedFile {
  const cwd = options.cwd ?? process.cwd();
  const file = path.resolve(cwd, options.contract);
  const display = path.relative(cwd, file) || file;
  if (!existsSync(file) || !statSync(file).isFile()) {
    throw new TidingsCodegenError(
      `@tidings/codegen: contract file ${display} does not exist; expected a .ts module that exports a contract made with defineContract().`,
    );
  }
  return { file, display };
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Imports the contract module at run time (through tsx in the CLI) and returns its exports. */
export async function importContractModule(resolved: ResolvedFile): Promise<Record<string, unknown>> {
  try {
    return (await import(pathToFileURL(resolved.file).href)) as Record<string, unknown>;
  } catch (error) {
    throw new TidingsCodegenError(
      `@tidings/codegen: importing ${resolved.display} failed: ${describe(error)}`,
      {
        cause: error,
      },
    );
  }
}

/** Picks the contract export: the named one, or the only one; fails naming the file and what was expected. */
export function pickExport(
  exports: readonly { name: string; isContract: boolean }[],
  display: string,
  exportName: string | undefined,
): string {
  const names = exports.map((entry) => entry.name);
  const contracts = exports.filter((entry) => entry.isContract).map((entry) => entry.name);
  if (exportName !== undefined) {
    const entry = exports.find((candidate) => candidate.name === exportName);
    if (!entry) {
      throw new TidingsCodegenError(
        `@tidings/codegen: ${display} has no export "${exportName}" (its exports: ${list(names)}); expected the name of an export made with defineContract().`,
      );
    }
    if (!entry.isContract) {
      throw new TidingsCodegenError(
        `@tidings/codegen: export "${exportName}" of ${display} is not a contract; expected a value made with defineContract()${contracts.length > 0 ? ` (contract exports: ${list(contracts)})` : ''}.`,
      );
    }
    return exportName;
  }
  if (contracts.length === 1) return contracts[0]!;
  if (contracts.length === 0) {
    throw new TidingsCodegenError(
      `@tidings/codegen: ${display} exports no contract (its exports: ${list(names)}); expected an export made with defineContract().`,
    );
  }
  throw new TidingsCodegenError(
    `@tidings/codegen: ${display} exports ${contracts.length} contracts (${list(contracts)}); choose one with --export <name>.`,
  );
}

function list(names: readonly string[]): string {
  return names.length === 0 ? 'none' : names.map((name) => `"${name}"`).join(', ');
}

/** The contract value of an imported module, checked at run time. */
export function contractValue(
  module: Record<string, unknown>,
  display: string,
  exportName: string,
): AnyContract {
  const value = module[exportName];
  if (!isContract(value)) {
    throw new TidingsCodegenError(
      `@tidings/codegen: export "${exportName}" of ${display} is not a contract at run time; expected a value made with defineContract().`,
    );
  }
  return value;
}

/** Imports the module and returns the chosen contract, for commands that need no types (asyncapi). */
export async function loadContract(options: ContractSource): Promise<{
  contract: AnyContract;
  exportName: string;
  resolved: ResolvedFile;
}> {
  const resolved = resolveContractFile(options);
  const module = await importContractModule(resolved);
  const exports = Object.keys(module)
    .sort()
    .map((name) => ({ name, isContract: isContract(module[name]) }));
  const exportName = pickExport(exports, resolved.display, options.export);
  return { contract: contractValue(module, resolved.display, exportName), exportName, resolved };
}
