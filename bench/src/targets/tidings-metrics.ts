import {
  AggregationTemporality,
  InMemoryMetricExporter,
  MeterProvider,
  PeriodicExportingMetricReader,
  type ResourceMetrics,
} from '@opentelemetry/sdk-metrics';
import type { MetricsExported } from '../shared/protocol.ts';
import type { BenchTarget, TargetOptions } from './target.ts';
import { createTidingsTarget } from './tidings.ts';

/** How often the reader collects and exports, as an app with a short interval would. */
const EXPORT_INTERVAL_MS = 1_000;
/** How often the exporter drops what it holds, so a long run does not grow it. */
const RESET_INTERVAL_MS = 5_000;

/** The SDK's in-memory exporter, counting what passes through it (it forgets on `reset()`, the counts do not). */
class CountingExporter extends InMemoryMetricExporter {
  exports = 0;
  dataPoints = 0;

  override export(
    metrics: ResourceMetrics,
    resultCallback: Parameters<InMemoryMetricExporter['export']>[1],
  ): void {
    this.exports++;
    for (const scope of metrics.scopeMetrics) {
      for (const metric of scope.metrics) this.dataPoints += metric.dataPoints.length;
    }
    super.export(metrics, resultCallback);
  }
}

/** An OpenTelemetry SDK set up as an app would: a meter provider whose reader exports every second. */
export interface BenchMetrics {
  readonly meterProvider: MeterProvider;
  /** Holds the exports since its last reset (cumulative temporality: each has every total so far). */
  readonly exporter: InMemoryMetricExporter;
  /** What the reader has exported since the start. */
  exported(): MetricsExported;
  /** Stops the resets and shuts the provider down (a last collection and export). */
  close(): Promise<void>;
}

/** Creates the SDK of the `tidings-metrics` target. */
export function createBenchMetrics(): BenchMetrics {
  const exporter = new CountingExporter(AggregationTemporality.CUMULATIVE);
  const meterProvider = new MeterProvider({
    readers: [new PeriodicExportingMetricReader({ exporter, exportIntervalMillis: EXPORT_INTERVAL_MS })],
  });
  const reset = setInterval(() => exporter.reset(), RESET_INTERVAL_MS);
  reset.unref();
  return {
    meterProvider,
    exporter,
    exported: () => ({ exports: exporter.exports, dataPoints: exporter.dataPoints }),
    async close() {
      clearInterval(reset);
      await meterProvider.shutdown();
    },
  };
}

/**
 * The `tidings` target with metrics on (issue 18): the same hub, broker and plugin, given a real
 * OpenTelemetry SDK as `meterProvider`, so every collection runs the hub's callbacks and the
 * fan-out samples delivery latency. Its stats report what the reader exported.
 */
export async function createTidingsMetricsTarget(
  options: TargetOptions,
  metrics: BenchMetrics = createBenchMetrics(),
): Promise<BenchTarget> {
  let target: BenchTarget;
  try {
    target = await createTidingsTarget(options, { meterProvider: metrics.meterProvider });
  } catch (error) {
    await metrics.close();
    throw error;
  }
  return {
    ...target,
    metricsExported: () => metrics.exported(),
    async close() {
      try {
        await target.close();
      } finally {
        await metrics.close();
      }
    },
  };
}
