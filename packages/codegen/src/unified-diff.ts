/** Labels of the two sides of a diff. */
export interface DiffLabels {
  before: string;
  after: string;
}

type Op = { kind: ' ' | '-' | '+'; text: string; oldLine: number; newLine: number };

const NO_NEWLINE = '\\ No newline at end of file';
/** Above this many cells the middle of a diff is shown as one replaced block instead of aligned. */
const MAX_TABLE = 4_000_000;

function splitLines(text: string): string[] {
  if (text === '') return [];
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  else lines[lines.length - 1] += `\n${NO_NEWLINE}`;
  return lines;
}

function editScript(a: readonly string[], b: readonly string[]): Op[] {
  let start = 0;
  while (start < a.length && start < b.length && a[start] === b[start]) start++;
  let endA = a.length;
  let endB = b.length;
  while (endA > start && endB > start && a[endA - 1] === b[endB - 1]) {
    endA--;
    endB--;
  }
  const ops: Op[] = [];
  for (let i = 0; i < start; i++) ops.push({ kind: ' ', text: a[i]!, oldLine: i, newLine: i });
  const n = endA - start;
  const m = endB - start;
  if (n * m <= MAX_TABLE) {
    // Longest common subsequence over the differing middle, filled from the end.
    const width = m + 1;
    const table = new Uint32Array((n + 1) * width);
    for (let i = n - 1; i >= 0; i--) {
      for (let j = m - 1; j >= 0; j--) {
        table[i * width + j] =
          a[start + i] === b[start + j]
            ? table[(i + 1) * width + j + 1]! + 1
            : Math.max(table[(i + 1) * width + j]!, table[i * width + j + 1]!);
      }
    }
    let i = 0;
    let j = 0;
    while (i < n || j < m) {
      if (i < n && j < m && a[start + i] === b[start + j]) {
        ops.push({ kind: ' ', text: a[start + i]!, oldLine: start + i, newLine: start + j });
        i++;
        j++;
      } else if (j < m && (i === n || table[i * width + j + 1]! >= table[(i + 1) * width + j]!)) {
        ops.push({ kind: '+', text: b[start + j]!, oldLine: start + i, newLine: start + j });
        j++;
      } else {
        ops.push({ kind: '-', text: a[start + i]!, oldLine: start + i, newLine: start + j });
        i++;
      }
    }
  } else {
    for (let i = 0; i < n; i++)
      ops.push({ kind: '-', text: a[start + i]!, oldLine: start + i, newLine: start });
    for (let j = 0; j < m; j++)
      ops.push({ kind: '+', text: b[start + j]!, oldLine: endA, newLine: start + j });
  }
  for (let k = 0; k < a.length - endA; k++) {
    ops.push({ kind: ' ', text: a[endA + k]!, oldLine: endA + k, newLine: endB + k });
  }
  return ops;
}

function range(start: number, count: number): string {
  // Unified format: 1-based start; an empty range names the line before it.
  const first = count === 0 ? start : start + 1;
  return count === 1 ? `${first}` : `${first},${count}`;
}

/**
 * A unified diff (`---`/`+++` headers, `@@` hunks with `context` lines around each change) of two
 * texts, or `''` when they are equal. Deletions are reordered before insertions within a change.
 */
export function unifiedDiff(before: string, after: string, labels: DiffLabels, context = 3): string {
  if (before === after) return '';
  const ops = editScript(splitLines(before), splitLines(after));
  const changed = ops.flatMap((op, index) => (op.kind === ' ' ? [] : [index]));
  const out = [`--- ${labels.before}`, `+++ ${labels.after}`];
  let cursor = 0;
  while (cursor < changed.length) {
    const first = changed[cursor]!;
    let last = first;
    while (cursor + 1 < changed.length && changed[cursor + 1]! - last <= 2 * context + 1) {
      cursor++;
      last = changed[cursor]!;
    }
    cursor++;
    const from = Math.max(0, first - context);
    const to = Math.min(ops.length - 1, last + context);
    const hunk = ops.slice(from, to + 1);
    const oldCount = hunk.filter((op) => op.kind !== '+').length;
    const newCount = hunk.filter((op) => op.kind !== '-').length;
    out.push(`@@ -${range(hunk[0]!.oldLine, oldCount)} +${range(hunk[0]!.newLine, newCount)} @@`);
    const lines: string[] = [];
    let added: string[] = [];
    for (const op of hunk) {
      if (op.kind === '+') {
        added.push(`+${op.text}`);
        continue;
      }
      if (op.kind === ' ') {
        lines.push(...added);
        added = [];
      }
      lines.push(`${op.kind}${op.text}`);
    }
    lines.push(...added);
    out.push(...lines);
  }
  return `${out.join('\n')}\n`;
}
