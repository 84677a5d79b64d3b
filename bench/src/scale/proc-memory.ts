import { readFileSync } from 'node:fs';

/**
 * The proportional set size in a `/proc/<pid>/smaps_rollup` text, in bytes: RSS with each page
 * shared by n processes (the node binary, shared libraries) counted 1/n. Summed over processes it
 * is the memory they take together, which a sum of RSS overstates. NaN when the text has none.
 */
export function pssFromRollup(text: string): number {
  const match = /^Pss:\s+(\d+) kB$/m.exec(text);
  return match ? Number(match[1]) * 1024 : Number.NaN;
}

/** This process's PSS in bytes (Linux); NaN elsewhere. */
export function ownPss(): number {
  try {
    return pssFromRollup(readFileSync('/proc/self/smaps_rollup', 'utf8'));
  } catch {
    return Number.NaN;
  }
}
