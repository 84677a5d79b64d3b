import type { FastifyPluginAsync, RawServerBase } from 'fastify';
import { Registry } from 'prom-client';
import { TidingsError } from '../errors.ts';
import { type MeteredHub, registerHubMetrics } from './register-hub-metrics.ts';

/** Options of the `tidingsMetrics` plugin. */
export interface TidingsMetricsOptions {
  /** The hub whose metrics the endpoint serves. */
  hub: MeteredHub;
  /**
   * The route of the Prometheus text endpoint (under the plugin's prefix, if any).
   * @default '/metrics'
   */
  path?: string | undefined;
  /**
   * The prom-client registry the endpoint serves, with the hub's metrics added: pass yours to serve
   * your own metrics (`collectDefaultMetrics`) on the same endpoint.
   * @default a new Registry
   */
  registry?: Registry | undefined;
}

/**
 * A Fastify plugin that serves a hub's metrics in the Prometheus text format (prom-client): the
 * gauges and counters are read from the hub on each scrape.
 * @example
 * await app.register(tidingsMetrics, { hub, path: '/metrics' });
 */
export const tidingsMetrics: FastifyPluginAsync<TidingsMetricsOptions, RawServerBase> = async (
  app,
  options,
) => {
  const path = options.path ?? '/metrics';
  if (typeof path !== 'string' || !path.startsWith('/')) {
    throw new TidingsError(
      'CONFIG_INVALID',
      `@tidings/server/metrics: option "path" is ${JSON.stringify(path) ?? String(path)}; expected a route such as '/metrics'.`,
    );
  }
  const registry = options.registry ?? new Registry();
  const unregister = registerHubMetrics(options.hub, registry);
  app.addHook('onClose', async () => unregister());
  app.get(path, async (_request, reply) => {
    const text = await registry.metrics();
    return reply.header('content-type', registry.contentType).send(text);
  });
};
