/** Formatting for the tables. */

export function fmtCount(n: number): string {
  if (!Number.isFinite(n)) return '—';
  if (n >= 10_000_000) return `${(n / 1e6).toFixed(1)}M`;
  if (n >= 1_000_000) return `${(n / 1e6).toFixed(2)}M`;
  if (n >= 100_000) return `${Math.round(n / 1e3)}k`;
  if (n >= 10_000) return `${(n / 1e3).toFixed(1)}k`;
  return Math.round(n).toLocaleString('en-US');
}

/** A count and its noun, plural unless the count is 1: "1 export", "12 exports". */
export function fmtPlural(count: number, noun: string): string {
  return `${fmtCount(count)} ${noun}${count === 1 ? '' : 's'}`;
}

export function fmtMs(ms: number): string {
  if (!Number.isFinite(ms)) return '—';
  if (ms >= 1000) return `${(ms / 1000).toFixed(2)} s`;
  if (ms >= 100) return `${Math.round(ms)} ms`;
  if (ms >= 10) return `${ms.toFixed(1)} ms`;
  return `${ms.toFixed(2)} ms`;
}

export function fmtKiB(bytes: number): string {
  if (!Number.isFinite(bytes)) return '—';
  return `${(bytes / 1024).toFixed(1)} KiB`;
}

export function fmtRatio(ratio: number | undefined): string {
  if (ratio === Number.POSITIVE_INFINITY) return '∞×';
  if (ratio === undefined || !Number.isFinite(ratio)) return '—';
  if (ratio >= 10) return `${ratio.toFixed(1)}×`;
  if (ratio < 0.1) return `${ratio.toFixed(3)}×`;
  return `${ratio.toFixed(2)}×`;
}

export function fmtPct(pct: number): string {
  return Number.isFinite(pct) ? `${Math.round(pct)}%` : '—';
}

/** A markdown table, columns padded the way Biome formats markdown (so `pnpm lint` passes on the results). */
export function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const escapeCell = (cell: string): string => cell.replaceAll('|', '\\|');
  const head = header.map(escapeCell);
  const body = rows.map((row) => row.map(escapeCell));
  const widths = head.map((cell, i) => Math.max(3, cell.length, ...body.map((row) => (row[i] ?? '').length)));
  const line = (cells: readonly string[]): string =>
    `| ${widths.map((width, i) => (cells[i] ?? '').padEnd(width)).join(' | ')} |`;
  return [line(head), line(widths.map((width) => '-'.repeat(width))), ...body.map(line)].join('\n');
}
