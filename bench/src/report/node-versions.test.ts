import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { expect, test } from 'vitest';
import { type NodeSummary, nodeVersionsSection } from './node-versions.ts';

const summary = (node: string, tidingsA: number): NodeSummary => ({
  node,
  at: '2026-12-01T00:00:00.000Z',
  targets: {
    raw: { a: 1_000_000, b: 20, c: 10 * 1024, d: 6000 },
    tidings: { a: tidingsA, b: 12, c: 9 * 1024, d: 4700 },
  },
});

test('shows A–D of each Node major side by side, oldest first, and skips targets that did not run', () => {
  const dir = mkdtempSync(join(tmpdir(), 'bench-summaries-'));
  try {
    writeFileSync(join(dir, 'summary-node24.json'), JSON.stringify(summary('24.22.3', 1_300_000)));
    writeFileSync(join(dir, 'summary-node20.json'), JSON.stringify(summary('20.20.2', 1_200_000)));
    writeFileSync(join(dir, 'unrelated.json'), '{}');
    const section = nodeVersionsSection(pathToFileURL(`${dir}/`))!;
    expect(section).toContain('| scenario');
    expect(section).toMatch(/Node 20\.20\.2 +\| Node 24\.22\.3/);
    expect(section).toMatch(/A fan-out, events\/s delivered \| Tidings.*\| 1\.20M +\| 1\.30M/);
    expect(section).toMatch(/C memory per idle connection +\| raw.*\| 10\.0 KiB/);
    expect(section).not.toContain('better-sse');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('has nothing to show without summaries', () => {
  const dir = mkdtempSync(join(tmpdir(), 'bench-summaries-'));
  try {
    expect(nodeVersionsSection(pathToFileURL(`${dir}/`))).toBeUndefined();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
