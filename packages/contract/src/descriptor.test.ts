import { describe, expect, test } from 'vitest';
import { buildSampleContract } from './__fixtures__/sample-contract.ts';
import { fingerprint, toDescriptor } from './index.ts';

describe('toDescriptor', () => {
  test('keeps paths, param names, event names and the fingerprint, and no schemas', () => {
    const contract = buildSampleContract();
    const descriptor = toDescriptor(contract);
    expect(descriptor).toEqual({
      kind: 'tidings.descriptor',
      fingerprint: fingerprint(contract),
      streams: {
        ticker: { path: '/ticker/:symbol', params: ['symbol'], events: ['quote', 'halted'] },
        announcements: { path: '/announcements', params: [], events: ['notice'] },
      },
    });
    expect(JSON.parse(JSON.stringify(descriptor))).toEqual(descriptor);
  });
});
