import { describe, expect, it } from 'vitest';
import { LatencyRecorder } from './latency-recorder.ts';

describe('LatencyRecorder', () => {
  it('reports exact percentiles of what it recorded', () => {
    const recorder = new LatencyRecorder(1000);
    for (let i = 100; i >= 1; i--) recorder.record(i);
    const report = recorder.report();
    expect(report).toMatchObject({ count: 100, p50: 51, p90: 91, p99: 100, max: 100, mean: 50.5 });
  });

  it('counts what did not fit and starts over on reset', () => {
    const recorder = new LatencyRecorder(2);
    for (const v of [1, 2, 3]) recorder.record(v);
    expect(recorder.dropped).toBe(1);
    recorder.reset();
    expect(recorder.report().count).toBe(0);
  });
});
