import type { AnyContract } from '@tidings/contract';
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import { TidingsError } from '../errors.ts';
import { type HistogramMetric, hubMetricsOf, type MetricAttributes } from '../hub-metrics.ts';
import type { HubStats } from '../hub-types.ts';

/** A hub made by `createHub`, whatever its contract. */
export interface MeteredHub {
  readonly contract: AnyContract;
  stats(): HubStats;
}

type Labels = Partial<Record<string, string>>;

/**
 * Adds a hub's metrics to a prom-client registry: its gauges and counters are read from the hub's
 * counters on each scrape, its histograms are observed as they happen. Returns a function that
 * takes them out again. For an app that already serves a registry; otherwise mount `tidingsMetrics`.
 * @example
 * import { collectDefaultMetrics, Registry } from 'prom-client';
 * const registry = new Registry();
 * collectDefaultMetrics({ register: registry });
 * registerHubMetrics(hub, registry);
 */
export function registerHubMetrics(hub: MeteredHub, registry: Registry): () => void {
  const metrics = hubMetricsOf(hub);
  if (metrics === undefined) {
    throw new TidingsError(
      'CONFIG_INVALID',
      '@tidings/server/metrics: "hub" is not a hub made by createHub(contract, options); pass the hub whose metrics to serve.',
    );
  }
  const names: string[] = [];
  const add = <TMetric>(name: string, make: () => TMetric): TMetric => {
    if (registry.getSingleMetric(name) !== undefined) {
      for (const added of names) registry.removeSingleMetric(added);
      throw new TidingsError(
        'CONFIG_INVALID',
        `@tidings/server/metrics: the registry already has a metric "${name}"; register one hub per registry (or remove the other hub's metrics first).`,
      );
    }
    names.push(name);
    return make();
  };
  for (const metric of metrics.observed) {
    const config = {
      name: metric.prometheus,
      help: metric.description,
      labelNames: [...metric.labels],
      registers: [registry],
    };
    if (metric.kind === 'gauge') {
      add(
        metric.prometheus,
        () =>
          new Gauge({
            ...config,
            collect() {
              this.reset();
              metric.read((value, attributes) => this.set(attributes as Labels, value));
            },
          }),
      );
    } else {
      add(
        metric.prometheus,
        () =>
          new Counter({
            ...config,
            collect() {
              this.reset();
              metric.read((value, attributes) => this.inc(attributes as Labels, value));
            },
          }),
      );
    }
  }
  const histograms = new Map<HistogramMetric, Histogram>();
  for (const metric of metrics.histograms) {
    histograms.set(
      metric,
      add(
        metric.prometheus,
        () =>
          new Histogram({
            name: metric.prometheus,
            help: metric.description,
            labelNames: [...metric.labels],
            buckets: [...metric.boundaries],
            registers: [registry],
          }),
      ),
    );
  }
  const detach = metrics.attach((metric: HistogramMetric, value: number, attributes: MetricAttributes) =>
    histograms.get(metric)?.observe(attributes as Labels, value),
  );
  return () => {
    detach();
    for (const name of names) registry.removeSingleMetric(name);
  };
}
