import { DataPointType, type MetricData } from '@opentelemetry/sdk-metrics';
import { describe, expect, it } from 'vitest';
import { SseClient } from '../loadgen/sse-client.ts';
import { makeQuote } from '../shared/payload.ts';
import { createBenchMetrics, createTidingsMetricsTarget } from './tidings-metrics.ts';

const hooks = {
  sampler: { active: false, now: () => 0, record: () => {} },
  onUnexpectedClose: () => {},
};

async function until(check: () => boolean, what: () => string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out: ${what()}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** A sum's data points added up, or a histogram's counts. */
function total(metric: MetricData | undefined): number {
  if (!metric) return Number.NaN;
  let sum = 0;
  for (const point of metric.dataPoints) {
    const value = point.value as number | { count: number };
    sum += typeof value === 'number' ? value : value.count;
  }
  return sum;
}

// Scenario A with metrics on: the target's hub reports to a real SDK (a periodic reader and the
// in-memory exporter), and the counts it reports to the orchestrator grow with each export.
describe('the tidings-metrics target', () => {
  it('exports the hub’s metrics through the SDK: events, frames, connections and delivery latency', async () => {
    const errors: unknown[] = [];
    const metrics = createBenchMetrics();
    const target = await createTidingsMetricsTarget(
      { instance: 0, backlog: 511, onError: (error) => errors.push(error) },
      metrics,
    );
    const clients: SseClient[] = [];
    try {
      for (let i = 0; i < 2; i++) {
        const client = new SseClient(hooks);
        await client.connect(target.endpoint, 5_000);
        clients.push(client);
      }
      await until(
        () => target.subscribers() === 2,
        () => `${target.subscribers()} subscribers`,
      );
      const events = Array.from({ length: 40 }, (_, n) => makeQuote(n));
      for (let i = 0; i < events.length; i += 16) target.publish(events.slice(i, i + 16));
      await until(
        () => clients.every((client) => client.delivered === events.length),
        () => clients.map((client) => client.delivered).join(', '),
      );

      const before = target.metricsExported!();
      // A collection and export now, as the periodic reader does every second.
      await metrics.meterProvider.forceFlush();
      const after = target.metricsExported!();
      expect(after.exports).toBeGreaterThan(before.exports);
      expect(after.dataPoints).toBeGreaterThan(before.dataPoints);

      const exported = metrics.exporter.getMetrics().at(-1)!;
      const byName = new Map(
        exported.scopeMetrics.flatMap((scope) => scope.metrics.map((m) => [m.descriptor.name, m] as const)),
      );
      expect(total(byName.get('tidings.events.emitted'))).toBe(40);
      expect(total(byName.get('tidings.frames.written'))).toBe(80);
      expect(total(byName.get('tidings.connections'))).toBe(2);
      const delivery = byName.get('tidings.delivery.duration');
      expect(delivery?.dataPointType).toBe(DataPointType.HISTOGRAM);
      expect(total(delivery)).toBeGreaterThan(0);
      expect(errors).toEqual([]);
    } finally {
      for (const client of clients) client.close();
      await target.close();
    }
  });
});
