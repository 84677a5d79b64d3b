import { describe, expect, it } from 'vitest';
import { parseScaleArgs } from './run.ts';

describe('parseScaleArgs', () => {
  it('runs every part at full size by default', () => {
    expect(parseScaleArgs(['--scale'])).toEqual({
      quick: false,
      parts: ['idle', 'flat', 'many'],
      profile: false,
    });
  });

  it('takes --quick, --profile and a list of parts', () => {
    expect(parseScaleArgs(['--', '--quick', '--parts=many,idle', '--profile'])).toEqual({
      quick: true,
      parts: ['many', 'idle'],
      profile: true,
    });
  });

  it('names what it does not know', () => {
    expect(() => parseScaleArgs(['--parts=idle,huge'])).toThrow('unknown scale part "huge"');
    expect(() => parseScaleArgs(['--fast'])).toThrow('unknown argument "--fast" for --scale');
  });
});
