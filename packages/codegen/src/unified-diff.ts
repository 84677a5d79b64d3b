import { createTwoFilesPatch } from 'diff';

/** Labels of the two sides of a diff. */
export interface DiffLabels {
  before: string;
  after: string;
}

/**
 * A unified diff (three lines of context) from `before` to `after`, as `diff -u` and `git diff`
 * print it; `''` when the texts are equal. Built on jsdiff.
 */
export function unifiedDiff(before: string, after: string, labels: DiffLabels): string {
  if (before === after) return '';
  const patch = createTwoFilesPatch(labels.before, labels.after, before, after, undefined, undefined, {
    context: 3,
  });
  // jsdiff starts with a row of "=" (an svn habit); git and diff -u start at "---".
  return patch.slice(patch.indexOf('--- '));
}
