import { type } from 'arktype';
import * as v from 'valibot';
import { describe, expect, test } from 'vitest';
import { z } from 'zod';
import { describeIssues, formatIssuePath, isStandardSchema, validateWith } from './index.ts';

const schemas = {
  zod: z.object({ user: z.object({ name: z.string() }) }),
  valibot: v.object({ user: v.object({ name: v.string() }) }),
  arktype: type({ user: { name: 'string' } }),
};

describe('validateWith', () => {
  test.each(Object.entries(schemas))(
    '%s: answers synchronously with the value or the issues',
    (_vendor, schema) => {
      const good = validateWith(schema, { user: { name: 'Ada' } });
      expect(good).not.toBeInstanceOf(Promise);
      expect(good).toEqual({ ok: true, value: { user: { name: 'Ada' } } });

      const bad = validateWith(schema, { user: { name: 42 } });
      expect(bad).not.toBeInstanceOf(Promise);
      if (bad instanceof Promise || bad.ok) throw new Error('expected issues');
      expect(bad.issues.length).toBeGreaterThan(0);
      expect(bad.issues.map(formatIssuePath)).toEqual(['user.name']);
      expect(describeIssues(bad.issues)).toMatch(/^user\.name: \S/);
    },
  );

  test('returns the output value (defaults applied, transforms run)', () => {
    const schema = z.object({
      venue: z.string().default('XNYS'),
      size: z.string().transform((s) => s.length),
    });
    expect(validateWith(schema, { size: 'abc' })).toEqual({ ok: true, value: { venue: 'XNYS', size: 3 } });
  });

  test('an async schema answers with a promise', async () => {
    const schema = z
      .object({ n: z.number() })
      .refine(async (value) => value.n > 0, { message: 'must be positive' });
    const pending = validateWith(schema, { n: -1 });
    expect(pending).toBeInstanceOf(Promise);
    const outcome = await pending;
    expect(outcome.ok).toBe(false);
    expect(outcome.ok ? '' : describeIssues(outcome.issues)).toBe('(root): must be positive');
    await expect(validateWith(schema, { n: 1 })).resolves.toEqual({ ok: true, value: { n: 1 } });
  });
});

describe('isStandardSchema', () => {
  test('knows a schema from anything else', () => {
    for (const schema of Object.values(schemas)) expect(isStandardSchema(schema)).toBe(true);
    for (const other of [
      null,
      undefined,
      {},
      'string',
      () => 1,
      { '~standard': {} },
      { '~standard': { validate: 1 } },
    ]) {
      expect(isStandardSchema(other)).toBe(false);
    }
  });
});
