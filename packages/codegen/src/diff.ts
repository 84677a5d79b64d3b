import { realpath } from 'node:fs/promises';
import path from 'node:path';
import { type AnyContract, fingerprint } from '@tidings/contract';
import { type ContractChange, diffContracts, isBreaking } from './contract-diff.ts';
import { TidingsCodegenError } from './errors.ts';
import {
  type BaseSource,
  existsAt,
  historyOf,
  materializeCommit,
  packageDirOf,
  resolveBase,
} from './git-base.ts';
import { type ContractSource, loadContract } from './load-contract.ts';

/** Options of `diffContract`. */
export interface DiffOptions extends ContractSource {
  /**
   * The old contract: a git ref (`origin/main`, `HEAD~1`, a commit; the contract at the same path),
   * `<ref>:<path>` (the contract at another path), or a file.
   */
  base: string;
  /**
   * `'chain'` also lists, in `compatibleFingerprints`, the fingerprints of older versions whose
   * clients still work with the current contract (see `maxVersions`).
   * @default 'none'
   */
  fingerprints?: 'none' | 'chain' | undefined;
  /**
   * With `fingerprints: 'chain'` and a git base: how many versions of the contract's package, along
   * the first-parent history of the base, are read at most.
   * @default 50
   */
  maxVersions?: number | undefined;
}

/** One side of a diff: where the contract came from and its fingerprint. */
export interface DiffSide {
  /** The contract module's path, relative to the working directory (for a git base: where it was). */
  readonly file: string;
  readonly export: string;
  readonly fingerprint: string;
  /** The git ref, for a git base. */
  readonly ref?: string;
  /** The commit the ref pointed at, for a git base. */
  readonly commit?: string;
}

/** What `tidings diff` found. */
export interface DiffReport {
  /** True when a change breaks clients built on the base contract (the CLI exits 1). */
  readonly breaking: boolean;
  readonly base: DiffSide;
  readonly contract: DiffSide;
  /** Every change, in stream order. */
  readonly changes: readonly ContractChange[];
  /**
   * With `fingerprints: 'chain'`: fingerprints of older contracts that the current one still
   * serves (newest first), for `createHub(contract, { compatibleFingerprints })`.
   */
  readonly compatibleFingerprints?: readonly string[];
}

const DEFAULT_MAX_VERSIONS = 50;

interface Loaded {
  contract: AnyContract;
  exportName: string;
}

/** Imports the contract as it was in a commit, from a temporary copy of the commit's sources. */
async function loadAtCommit(
  base: BaseSource & { kind: 'git' },
  commit: string,
  exportName: string | undefined,
) {
  const tree = await materializeCommit(base.repo, commit);
  try {
    const loaded = await loadContract({ contract: base.path, export: exportName, cwd: tree.root });
    return { contract: loaded.contract, exportName: loaded.exportName };
  } catch (error) {
    if (!(error instanceof TidingsCodegenError)) throw error;
    throw new TidingsCodegenError(
      error.message.replace(
        /^@tidings\/codegen: /,
        `@tidings/codegen: at ${base.ref} (${commit.slice(0, 12)}): `,
      ),
      { cause: error },
    );
  } finally {
    await tree[Symbol.asyncDispose]();
  }
}

/**
 * Fingerprints of older versions whose clients the current contract still serves: the base, then each
 * older version of the contract's package along the base's first-parent history, until the first
 * one whose diff to the current contract is breaking (the chain of safe changes ends there).
 */
async function compatibleChain(
  base: BaseSource,
  baseLoaded: Loaded,
  current: Loaded,
  options: DiffOptions,
  currentFile: string,
): Promise<string[]> {
  const now = fingerprint(current.contract);
  const list: string[] = [];
  const consider = (contract: AnyContract): 'stop' | 'next' => {
    const print = fingerprint(contract);
    if (print === now || list.includes(print)) return 'next';
    if (isBreaking(diffContracts(contract, current.contract))) return 'stop';
    list.push(print);
    return 'next';
  };
  if (consider(baseLoaded.contract) === 'stop' || base.kind === 'file') return list;
  const max = options.maxVersions ?? DEFAULT_MAX_VERSIONS;
  const commits = await historyOf(base.repo, base.commit, packageDirOf(base.repo, currentFile), max);
  for (const commit of commits.filter((entry) => entry !== base.commit).slice(0, max - 1)) {
    if (!(await existsAt(base.repo, commit, base.path))) break;
    let loaded: Loaded;
    try {
      loaded = await loadAtCommit(base, commit, options.export);
    } catch {
      continue; // a version that does not load cannot be classified; its clients are not listed
    }
    if (consider(loaded.contract) === 'stop') break;
  }
  return list;
}

/**
 * Compares a contract with an older version of itself (a git ref or a file) and classifies every
 * change for a client built on the old one.
 */
export async function diffContract(options: DiffOptions): Promise<DiffReport> {
  const cwd = options.cwd ?? process.cwd();
  const current = await loadContract(options);
  const base = await resolveBase(options.base, current.resolved.file, cwd);
  const baseLoaded: Loaded =
    base.kind === 'file'
      ? await loadContract({ contract: base.file, export: options.export, cwd })
      : await loadAtCommit(base, base.commit, options.export);
  const changes = diffContracts(baseLoaded.contract, current.contract);
  // Both paths relative to the real working directory, so a moved contract shows (git gives real paths).
  const realCwd = await realpath(cwd);
  const shown = (file: string) => path.relative(realCwd, file) || file;
  const report: DiffReport = {
    breaking: isBreaking(changes),
    base: {
      file: shown(base.kind === 'file' ? await realpath(base.file) : path.join(base.repo, base.path)),
      export: baseLoaded.exportName,
      fingerprint: fingerprint(baseLoaded.contract),
      ...(base.kind === 'git' ? { ref: base.ref, commit: base.commit } : {}),
    },
    contract: {
      file: shown(await realpath(current.resolved.file)),
      export: current.exportName,
      fingerprint: fingerprint(current.contract),
    },
    changes,
  };
  if (options.fingerprints !== 'chain') return report;
  return {
    ...report,
    compatibleFingerprints: await compatibleChain(base, baseLoaded, current, options, current.resolved.file),
  };
}

function baseName(side: DiffSide): string {
  if (side.ref === undefined || side.commit === undefined) return side.file;
  const commit = side.commit.slice(0, 12);
  return side.commit.startsWith(side.ref.toLowerCase()) ? commit : `${side.ref} (${commit})`;
}

/** The report as `tidings diff` prints it: breaking changes first, then safe ones, then the verdict. */
export function formatDiffReport(report: DiffReport): string {
  const base = baseName(report.base);
  const moved = report.base.ref !== undefined && report.base.file !== report.contract.file;
  const lines = [
    `Contract "${report.contract.export}" (${report.contract.file}) against ${base}${
      moved ? ` at ${report.base.file}` : ''
    }${report.base.export === report.contract.export ? '' : ` (export "${report.base.export}")`}.`,
    `Fingerprints: ${report.base.fingerprint} (base) → ${report.contract.fingerprint} (now).`,
  ];
  const breaking = report.changes.filter((change) => change.severity === 'breaking');
  const safe = report.changes.filter((change) => change.severity === 'safe');
  for (const [title, group] of [
    ['Breaking', breaking],
    ['Safe', safe],
  ] as const) {
    if (group.length === 0) continue;
    lines.push('', `${title} (${group.length}):`);
    for (const change of group) lines.push(`  ${change.where}: ${change.message} [${change.kind}]`);
  }
  lines.push('');
  if (report.breaking) {
    lines.push(
      `Breaking: ${breaking.length} breaking, ${safe.length} safe. Clients built on ${base} can break; keep the old shape (add instead of change), or ship the change as a new event or stream.`,
    );
  } else if (report.changes.length === 0) {
    lines.push(
      report.base.fingerprint === report.contract.fingerprint
        ? 'No changes.'
        : 'No changes that reach clients (annotations such as descriptions only). Old clients keep working.',
    );
  } else {
    lines.push(
      `Safe: ${safe.length} safe change${safe.length === 1 ? '' : 's'}, none breaking. Clients built on ${base} keep working; to serve them without a mismatch, list "${report.base.fingerprint}" in createHub's compatibleFingerprints.`,
    );
  }
  if (report.compatibleFingerprints !== undefined) {
    lines.push(`Compatible fingerprints: ${JSON.stringify(report.compatibleFingerprints)}`);
  }
  return `${lines.join('\n')}\n`;
}
