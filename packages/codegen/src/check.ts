import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { type GeneratedClient, type GenerateOptions, generateClient } from './generate.ts';
import { unifiedDiff } from './unified-diff.ts';

/** What `checkClient` found. */
export type CheckResult =
  | {
      /** True when the file on disk is byte for byte what `generate` writes. */
      fresh: boolean;
      exists: true;
      /** A unified diff from the file on disk to the expected module; `''` when fresh. */
      diff: string;
      /** What `generate` would write. */
      expected: GeneratedClient;
    }
  | {
      fresh: false;
      /** The output file does not exist: it is stale without reading the contract. */
      exists: false;
      diff: '';
      expected: undefined;
    };

/** Compares the generated client on disk with what `generateClient` produces now. */
export async function checkClient(options: GenerateOptions): Promise<CheckResult> {
  const cwd = options.cwd ?? process.cwd();
  const outFile = path.resolve(cwd, options.out);
  let actual: string;
  try {
    actual = await readFile(outFile, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    return { fresh: false, exists: false, diff: '', expected: undefined };
  }
  const expected = await generateClient(options);
  const label = path.relative(cwd, outFile);
  const diff = unifiedDiff(actual, expected.code, {
    before: `${label} (on disk)`,
    after: `${label} (generated from the contract)`,
  });
  return { fresh: diff === '', exists: true, diff, expected };
}
