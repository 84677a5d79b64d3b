import { describe, expect, test } from 'vitest';
import { unifiedDiff } from './unified-diff.ts';

const labels = { before: 'a.ts (on disk)', after: 'a.ts (generated)' };
const lines = (count: number, change?: { at: number; text: string }): string =>
  `${Array.from({ length: count }, (_, i) => (change && i === change.at ? change.text : `line ${i + 1}`)).join('\n')}\n`;

describe('unifiedDiff', () => {
  test('equal texts give no diff', () => {
    expect(unifiedDiff('a\nb\n', 'a\nb\n', labels)).toBe('');
  });

  test('a changed line with three lines of context', () => {
    expect(unifiedDiff(lines(10), lines(10, { at: 4, text: 'changed' }), labels)).toBe(
      [
        '--- a.ts (on disk)',
        '+++ a.ts (generated)',
        '@@ -2,7 +2,7 @@',
        ' line 2',
        ' line 3',
        ' line 4',
        '-line 5',
        '+changed',
        ' line 6',
        ' line 7',
        ' line 8',
        '',
      ].join('\n'),
    );
  });

  test('insertion at the start and deletion at the end', () => {
    expect(unifiedDiff('b\n', 'a\nb\n', labels)).toBe(
      '--- a.ts (on disk)\n+++ a.ts (generated)\n@@ -1,1 +1,2 @@\n+a\n b\n',
    );
    expect(unifiedDiff('a\nb\n', 'a\n', labels)).toBe(
      '--- a.ts (on disk)\n+++ a.ts (generated)\n@@ -1,2 +1,1 @@\n a\n-b\n',
    );
    expect(unifiedDiff('', 'a\n', labels)).toBe(
      '--- a.ts (on disk)\n+++ a.ts (generated)\n@@ -0,0 +1,1 @@\n+a\n',
    );
  });

  test('distant changes get separate hunks; a missing final newline is shown', () => {
    const before = lines(20);
    const after = lines(20, { at: 0, text: 'first' }).replace('line 20\n', 'last');
    expect(unifiedDiff(before, after, labels)).toBe(
      [
        '--- a.ts (on disk)',
        '+++ a.ts (generated)',
        '@@ -1,4 +1,4 @@',
        '-line 1',
        '+first',
        ' line 2',
        ' line 3',
        ' line 4',
        '@@ -17,4 +17,4 @@',
        ' line 17',
        ' line 18',
        ' line 19',
        '-line 20',
        '+last',
        '\\ No newline at end of file',
        '',
      ].join('\n'),
    );
  });

  test('deletions come before insertions within a change', () => {
    expect(unifiedDiff('x\na\nb\ny\n', 'x\nc\nd\ny\n', labels)).toBe(
      '--- a.ts (on disk)\n+++ a.ts (generated)\n@@ -1,4 +1,4 @@\n x\n-a\n-b\n+c\n+d\n y\n',
    );
  });
});
