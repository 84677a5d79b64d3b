import { readFileSync } from 'node:fs';
import { table } from './format.ts';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
}

interface CpuProfile {
  nodes: ProfileNode[];
  samples?: number[];
  timeDeltas?: number[];
  startTime: number;
  endTime: number;
}

/** Where a frame's code lives: a package, a workspace package, node internals or the engine. */
function origin(url: string, functionName: string): string {
  if (!url) return functionName.startsWith('(') ? functionName : '(native)';
  const pnpm = url.match(/node_modules\/(?:\.pnpm\/[^/]+\/node_modules\/)?((?:@[^/]+\/)?[^/]+)/);
  if (pnpm) return pnpm[1]!;
  const workspace = url.match(/\/packages\/([^/]+)\/src\//);
  if (workspace) return `@tidings/${workspace[1]}`;
  if (url.includes('/bench/src/')) return 'bench harness';
  if (url.startsWith('node:')) return url.replace(/^node:internal\/([^/]+).*/, 'node:$1');
  return url.replace(/^file:\/\//, '');
}

/**
 * Self time per function and per origin, from a `node --cpu-prof` file, as markdown. With a
 * span (milliseconds on the monotonic clock, which V8's profile timestamps use too), only the
 * samples inside it count, so process start-up does not crowd out the scenario.
 */
export function summarizeProfile(path: string, span?: { fromMs: number; toMs: number }, top = 15): string {
  const profile = JSON.parse(readFileSync(path, 'utf8')) as CpuProfile;
  const selfMicros = new Map<number, number>();
  const samples = profile.samples ?? [];
  const deltas = profile.timeDeltas ?? [];
  const from = span ? span.fromMs * 1000 : Number.NEGATIVE_INFINITY;
  const to = span ? span.toMs * 1000 : Number.POSITIVE_INFINITY;
  let at = profile.startTime;
  for (let i = 0; i < samples.length; i++) {
    at += deltas[i] ?? 0;
    if (at < from || at > to) continue;
    const id = samples[i]!;
    selfMicros.set(id, (selfMicros.get(id) ?? 0) + Math.max(0, deltas[i + 1] ?? deltas[i] ?? 0));
  }
  const byFunction = new Map<string, number>();
  const byOrigin = new Map<string, number>();
  let total = 0;
  for (const node of profile.nodes) {
    const micros = selfMicros.get(node.id) ?? 0;
    if (micros === 0) continue;
    const { functionName, url, lineNumber } = node.callFrame;
    if (functionName === '(idle)') continue;
    total += micros;
    const file = url.split('/').pop() ?? '';
    const key = `${functionName || '(anonymous)'} ${file ? `${file}:${lineNumber + 1}` : ''}`.trim();
    byFunction.set(key, (byFunction.get(key) ?? 0) + micros);
    const where = origin(url, functionName);
    byOrigin.set(where, (byOrigin.get(where) ?? 0) + micros);
  }
  const pct = (micros: number): string => `${((micros / total) * 100).toFixed(1)}%`;
  const sorted = (map: Map<string, number>) => [...map.entries()].sort((a, b) => b[1] - a[1]).slice(0, top);
  return [
    `Busy time sampled${span ? ' during the scenario' : ''}: ${(total / 1e6).toFixed(2)} s (idle excluded).`,
    '',
    table(
      ['where', 'self time'],
      sorted(byOrigin).map(([k, v]) => [k, pct(v)]),
    ),
    '',
    table(
      ['function', 'self time'],
      sorted(byFunction).map(([k, v]) => [`\`${k}\``, pct(v)]),
    ),
  ].join('\n');
}
