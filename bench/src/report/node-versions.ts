import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import type { Results } from '../orchestrator/results.ts';
import { TARGETS, type TargetName } from '../targets/registry.ts';
import { fmtCount, fmtKiB, fmtMs, table } from './format.ts';

/** A–D of one full run, kept per Node.js major so the results file can show versions side by side. */
export interface NodeSummary {
  readonly node: string;
  readonly at: string;
  /** Per target: A events/s, B p99 ms, C bytes per idle connection, D connects/s (null: did not run). */
  readonly targets: Partial<
    Record<TargetName, { a: number | null; b: number | null; c: number | null; d: number | null }>
  >;
}

const SUMMARY = /^summary-node(\d+)\.json$/;
const SHOWN: readonly TargetName[] = ['raw', 'tidings', 'tidings-redis', 'better-sse', 'trpc'];

/** What a full run measured for A–D, per target. */
export function summarize(results: Results, startedAt: Date): NodeSummary {
  const targets: NodeSummary['targets'] = {};
  for (const name of SHOWN) {
    targets[name] = {
      a: results.get('A', name, 'flow')?.median ?? null,
      b: results.get('B', name, 'latency')?.p99 ?? null,
      c: results.get('C', name, 'memory')?.rssPerConnection ?? null,
      d: results.get('D', name, 'connect')?.median ?? null,
    };
  }
  return { node: process.versions.node, at: startedAt.toISOString(), targets };
}

/** Writes `summary-node<major>.json` beside the results file. */
export function writeSummary(dir: URL, summary: NodeSummary): void {
  const major = summary.node.split('.')[0];
  writeFileSync(new URL(`summary-node${major}.json`, dir), `${JSON.stringify(summary, null, 2)}\n`);
}

function readSummaries(dir: URL): NodeSummary[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .map((name) => SUMMARY.exec(name))
    .filter((match): match is RegExpExecArray => match !== null)
    .sort((a, b) => Number(a[1]) - Number(b[1]))
    .map((match) => JSON.parse(readFileSync(new URL(match[0], dir), 'utf8')) as NodeSummary);
}

const SCENARIOS = [
  ['A', 'fan-out, events/s delivered', (n: number) => fmtCount(n)],
  ['B', 'p99 latency, 100 events/s', (n: number) => fmtMs(n)],
  ['C', 'memory per idle connection', (n: number) => fmtKiB(n)],
  ['D', 'connects/s', (n: number) => fmtCount(n)],
] as const;

/** The "By Node.js version" section: A–D of the latest full run on each Node major, side by side. */
export function nodeVersionsSection(dir: URL): string | undefined {
  const summaries = readSummaries(dir);
  if (summaries.length === 0) return undefined;
  const header = ['scenario', 'target', ...summaries.map((s) => `Node ${s.node}`)];
  const rows: string[][] = [];
  for (const [letter, title, format] of SCENARIOS) {
    const key = letter.toLowerCase() as 'a' | 'b' | 'c' | 'd';
    for (const name of SHOWN) {
      const cells = summaries.map((s) => {
        const value = s.targets[name]?.[key];
        return value === null || value === undefined ? '—' : format(value);
      });
      if (cells.every((cell) => cell === '—')) continue;
      rows.push([`${letter} ${title}`, TARGETS[name].label, ...cells]);
    }
  }
  const runs = summaries.map((s) => `Node ${s.node}: ${s.at}`).join('; ');
  return [
    '## By Node.js version',
    '',
    `The latest full run on each Node.js major (${runs}); run \`pnpm bench\` with that Node first on the PATH to refresh its column. Compare within a column: runs on different days vary by ±10–20%.`,
    '',
    table(header, rows),
  ].join('\n');
}
