import { describe, expect, test } from 'vitest';
import { TidingsCodegenError } from './errors.ts';
import { pickExport } from './load-contract.ts';

const exports = [
  { name: 'market', isContract: true },
  { name: 'quoteSchema', isContract: false },
];

describe('pickExport', () => {
  test('the named export, or the only contract export', () => {
    expect(pickExport(exports, 'c.ts', 'market')).toBe('market');
    expect(pickExport(exports, 'c.ts', undefined)).toBe('market');
  });

  test.each([
    [
      exports,
      'nope',
      '@tidings/codegen: c.ts has no export "nope" (its exports: "market", "quoteSchema"); expected the name of an export made with defineContract().',
    ],
    [
      exports,
      'quoteSchema',
      '@tidings/codegen: export "quoteSchema" of c.ts is not a contract; expected a value made with defineContract() (contract exports: "market").',
    ],
    [
      [{ name: 'quoteSchema', isContract: false }],
      undefined,
      '@tidings/codegen: c.ts exports no contract (its exports: "quoteSchema"); expected an export made with defineContract().',
    ],
    [
      [],
      undefined,
      '@tidings/codegen: c.ts exports no contract (its exports: none); expected an export made with defineContract().',
    ],
    [
      [...exports, { name: 'admin', isContract: true }],
      undefined,
      '@tidings/codegen: c.ts exports 2 contracts ("market", "admin"); choose one with --export <name>.',
    ],
  ])('fails naming the file and what was expected (%#)', (list, name, message) => {
    expect(() => pickExport(list, 'c.ts', name)).toThrow(TidingsCodegenError);
    expect(() => pickExport(list, 'c.ts', name)).toThrow(message);
  });
});
