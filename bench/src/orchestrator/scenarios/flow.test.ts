import { describe, expect, it } from 'vitest';
import { exportedBetween } from './flow.ts';

describe('exportedBetween', () => {
  it('is what the reader exported between two readings of the stats', () => {
    expect(exportedBetween({ exports: 3, dataPoints: 90 }, { exports: 15, dataPoints: 450 })).toEqual({
      exports: 12,
      dataPoints: 360,
    });
  });

  it('is undefined for a target without an SDK, or when a reading is missing', () => {
    expect(exportedBetween(null, null)).toBeUndefined();
    expect(exportedBetween({ exports: 3, dataPoints: 90 }, undefined)).toBeUndefined();
  });
});
