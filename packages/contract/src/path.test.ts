import { describe, expect, test } from 'vitest';
import { parsePath } from './index.ts';

describe('parsePath', () => {
  test('gives the params in path order', () => {
    expect(parsePath('/')).toEqual({ ok: true, params: [] });
    expect(parsePath('/a.b/c~d-e_f')).toEqual({ ok: true, params: [] });
    expect(parsePath('/book/:venue/x/:symbol')).toEqual({ ok: true, params: ['venue', 'symbol'] });
  });

  test.each(['', 'a', '//', '/a/', '/a/:', '/a/:x/:x', '/a b', '/é', '/a/*', '/:x-y'])(
    'refuses %j with a reason',
    (path) => {
      const result = parsePath(path);
      expect(result.ok).toBe(false);
      expect(result.ok ? '' : result.reason).toMatch(/\S/);
    },
  );
});
