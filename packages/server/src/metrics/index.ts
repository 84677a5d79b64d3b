export type { MeteredHub } from './register-hub-metrics.ts';
export { registerHubMetrics } from './register-hub-metrics.ts';
export type { TidingsMetricsOptions } from './tidings-metrics.ts';
export { tidingsMetrics } from './tidings-metrics.ts';
