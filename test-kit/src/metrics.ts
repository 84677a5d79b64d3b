import type { MeterProvider as ApiMeterProvider } from '@opentelemetry/api';
import {
  DataPointType,
  type Histogram,
  MeterProvider,
  type MetricData,
  MetricReader,
} from '@opentelemetry/sdk-metrics';

/** One data point as an OpenTelemetry reader collected it: a sum or gauge value, or a histogram. */
export interface MetricPoint {
  readonly name: string;
  readonly attributes: Readonly<Record<string, unknown>>;
  /** A sum or gauge value; for a histogram, its count. */
  readonly value: number;
  /** A histogram's buckets, sum and count. */
  readonly histogram?: Histogram | undefined;
}

/** An OpenTelemetry SDK meter provider whose metrics a test collects on demand; disposed with `await using`. */
export interface MetricsReader extends AsyncDisposable {
  /** The SDK's provider: pass it as `meterProvider`, or install it globally. */
  readonly provider: ApiMeterProvider;
  /** Every data point now (observable callbacks run). */
  collect(): Promise<MetricPoint[]>;
  /**
   * The value of one data point now: the one of `name` whose attributes are exactly `attributes`
   * (0 when there is none), or a histogram's count.
   */
  value(name: string, attributes?: Record<string, string>): Promise<number>;
  /** One histogram data point now (its count, sum and bucket counts), or undefined when there is none. */
  histogram(name: string, attributes?: Record<string, string>): Promise<Histogram | undefined>;
}

class ManualReader extends MetricReader {
  protected override onShutdown(): Promise<void> {
    return Promise.resolve();
  }
  protected override onForceFlush(): Promise<void> {
    return Promise.resolve();
  }
}

function pointsOf(metric: MetricData): MetricPoint[] {
  const name = metric.descriptor.name;
  if (metric.dataPointType === DataPointType.HISTOGRAM) {
    return metric.dataPoints.map((point) => ({
      name,
      attributes: point.attributes,
      value: point.value.count,
      histogram: point.value,
    }));
  }
  if (metric.dataPointType === DataPointType.EXPONENTIAL_HISTOGRAM) return [];
  return metric.dataPoints.map((point) => ({ name, attributes: point.attributes, value: point.value }));
}

function sameAttributes(a: Readonly<Record<string, unknown>>, b: Record<string, string>): boolean {
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((key) => a[key] === b[key]);
}

/** Creates an SDK meter provider with a manual reader: metrics are read when the test collects. */
export function metricsReader(): MetricsReader {
  const reader = new ManualReader();
  const provider = new MeterProvider({ readers: [reader] });
  const collect = async (): Promise<MetricPoint[]> => {
    const { resourceMetrics, errors } = await reader.collect();
    if (errors.length > 0) throw new AggregateError(errors, 'metric collection failed');
    return resourceMetrics.scopeMetrics.flatMap((scope) => scope.metrics.flatMap(pointsOf));
  };
  const find = async (name: string, attributes: Record<string, string>) =>
    (await collect()).find(
      (candidate) => candidate.name === name && sameAttributes(candidate.attributes, attributes),
    );
  return {
    provider,
    collect,
    async value(name, attributes = {}) {
      return (await find(name, attributes))?.value ?? 0;
    },
    async histogram(name, attributes = {}) {
      return (await find(name, attributes))?.histogram;
    },
    async [Symbol.asyncDispose]() {
      await provider.shutdown();
    },
  };
}

/** One sample of a Prometheus text exposition: `name{labels} value`. */
export interface PrometheusSample {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
}

/** A scrape, parsed: its samples and the `# TYPE` of each metric family. */
export interface PrometheusScrape {
  readonly samples: readonly PrometheusSample[];
  readonly types: ReadonlyMap<string, string>;
  /** The value of the sample named `name` whose labels are exactly `labels`; undefined when absent. */
  value(name: string, labels?: Record<string, string>): number | undefined;
}

const SAMPLE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)(?: \d+)?$/;
const LABEL = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g;

/** Parses the Prometheus text format (0.0.4) as prom-client writes it; throws on a line it cannot read. */
export function parsePrometheus(text: string): PrometheusScrape {
  const samples: PrometheusSample[] = [];
  const types = new Map<string, string>();
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('# HELP ')) continue;
    if (line.startsWith('# TYPE ')) {
      const [, , family, type] = line.split(' ');
      types.set(family!, type!);
      continue;
    }
    const match = SAMPLE.exec(line);
    if (!match) throw new Error(`not a Prometheus sample line: ${JSON.stringify(line)}`);
    const labels: Record<string, string> = {};
    for (const [, key, raw] of (match[2] ?? '').matchAll(LABEL)) {
      labels[key!] = raw!.replace(/\\(.)/g, (_, char: string) => (char === 'n' ? '\n' : char));
    }
    const raw = match[3]!;
    const value =
      raw === '+Inf' ? Number.POSITIVE_INFINITY : raw === '-Inf' ? Number.NEGATIVE_INFINITY : Number(raw);
    samples.push({ name: match[1]!, labels, value });
  }
  return {
    samples,
    types,
    value(name, labels = {}) {
      return samples.find((sample) => sample.name === name && sameAttributes(sample.labels, labels))?.value;
    },
  };
}
