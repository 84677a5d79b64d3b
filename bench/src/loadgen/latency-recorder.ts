import type { LatencyReport } from '../shared/protocol.ts';

/** Keeps every latency sample (up to a cap) and reports exact percentiles. */
export class LatencyRecorder {
  private samples: Float64Array;
  private length = 0;
  /** Samples not kept because the buffer was full. */
  dropped = 0;

  constructor(capacity = 4_000_000) {
    this.samples = new Float64Array(capacity);
  }

  record(ms: number): void {
    if (this.length < this.samples.length) this.samples[this.length++] = ms;
    else this.dropped++;
  }

  reset(): void {
    this.length = 0;
    this.dropped = 0;
  }

  report(): LatencyReport {
    const sorted = this.samples.slice(0, this.length).sort();
    const n = sorted.length;
    const at = (q: number): number => (n === 0 ? Number.NaN : sorted[Math.min(n - 1, Math.floor(q * n))]!);
    let sum = 0;
    for (let i = 0; i < n; i++) sum += sorted[i]!;
    return {
      count: n,
      p50: at(0.5),
      p90: at(0.9),
      p99: at(0.99),
      max: n === 0 ? Number.NaN : sorted[n - 1]!,
      mean: n === 0 ? Number.NaN : sum / n,
    };
  }
}
