import { describe, expect, test } from 'vitest';
import {
  describeIssues,
  formatIssuePath,
  isTidingsError,
  TidingsContractError,
  TidingsError,
  TidingsValidationError,
} from './index.ts';

describe('errors', () => {
  test('each class has its name, a stable code, the cause and an optional status', () => {
    const cause = new Error('root');
    const contract = new TidingsContractError('@tidings/contract: bad', { cause });
    expect(contract).toBeInstanceOf(TidingsError);
    expect(contract).toBeInstanceOf(Error);
    expect([contract.name, contract.code, contract.cause, contract.statusCode]).toEqual([
      'TidingsContractError',
      'CONTRACT_INVALID',
      cause,
      undefined,
    ]);
    expect(new TidingsContractError('x', { code: 'UNKNOWN_EVENT', statusCode: 400 })).toMatchObject({
      code: 'UNKNOWN_EVENT',
      statusCode: 400,
    });
    const issues = [{ message: 'Expected number', path: ['price'] }];
    const validation = new TidingsValidationError('@tidings/server: bad payload', issues);
    expect([validation.name, validation.code, validation.issues]).toEqual([
      'TidingsValidationError',
      'VALIDATION_FAILED',
      issues,
    ]);
    expect('cause' in new TidingsError('HUB_CLOSED', 'closed')).toBe(false);
  });

  test('isTidingsError also knows an error from a second copy of the package', () => {
    expect(isTidingsError(new TidingsContractError('x'))).toBe(true);
    const fromOtherCopy = Object.assign(new Error('x'), { [Symbol.for('tidings.error')]: true });
    expect(isTidingsError(fromOtherCopy)).toBe(true);
    for (const other of [new Error('x'), null, 'TidingsError', { code: 'CONTRACT_INVALID' }]) {
      expect(isTidingsError(other)).toBe(false);
    }
  });

  test('issue paths read like property access', () => {
    expect(formatIssuePath({ message: 'm' })).toBe('(root)');
    expect(formatIssuePath({ message: 'm', path: [] })).toBe('(root)');
    expect(formatIssuePath({ message: 'm', path: ['a', { key: 'b' }, 0, { key: 2 }, 'c'] })).toBe(
      'a.b[0][2].c',
    );
    expect(formatIssuePath({ message: 'm', path: [0, 'a'] })).toBe('[0].a');
    expect(
      describeIssues([
        { message: 'Required', path: ['price'] },
        { message: 'Too long', path: ['tags', 1] },
      ]),
    ).toBe('price: Required; tags[1]: Too long');
  });
});
