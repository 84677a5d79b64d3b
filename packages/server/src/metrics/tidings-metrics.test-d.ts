import type { MeterProvider } from '@opentelemetry/api';
import { defineContract, defineStream } from '@tidings/contract';
import { market } from '@tidings/test-kit/contract';
import Fastify from 'fastify';
import { Registry } from 'prom-client';
import { describe, expectTypeOf, it } from 'vitest';
import { z } from 'zod';
import type { Broker, BrokerObserver } from '../broker.ts';
import { createHub } from '../create-hub.ts';
import type { HubOptions } from '../hub-types.ts';
import { type MeteredHub, registerHubMetrics, type TidingsMetricsOptions, tidingsMetrics } from './index.ts';

const qa = defineContract({
  answer: defineStream({ path: '/answers/:id', events: { token: z.object({ text: z.string() }) } }),
});

describe('metrics types', () => {
  it('takes any hub, whatever its contract and handlers', () => {
    const hub = createHub(market);
    const handled = createHub(qa, {
      handlers: {
        answer: async function* () {
          yield { event: 'token', data: { text: 'a' } };
        },
      },
    });
    expectTypeOf(hub).toExtend<MeteredHub>();
    expectTypeOf(handled).toExtend<MeteredHub>();
    const app = Fastify();
    void app.register(tidingsMetrics, { hub, path: '/metrics' });
    void app.register(tidingsMetrics, { hub: handled, registry: new Registry() });
    expectTypeOf(registerHubMetrics(handled, new Registry())).toEqualTypeOf<() => void>();

    // @ts-expect-error the hub is required
    void app.register(tidingsMetrics, { path: '/metrics' });
    // @ts-expect-error a contract is not a hub
    void app.register(tidingsMetrics, { hub: market });
    // @ts-expect-error the registry is a prom-client Registry
    registerHubMetrics(hub, {});
  });

  it('options: path and registry optional, meterProvider an OpenTelemetry MeterProvider', () => {
    expectTypeOf<TidingsMetricsOptions['path']>().toEqualTypeOf<string | undefined>();
    expectTypeOf<TidingsMetricsOptions['registry']>().toEqualTypeOf<Registry | undefined>();
    expectTypeOf<HubOptions<typeof market>['meterProvider']>().toEqualTypeOf<MeterProvider | undefined>();
  });

  it('a broker may report to an observer, and says how to stop', () => {
    expectTypeOf<NonNullable<Broker['observe']>>().toEqualTypeOf<(observer: BrokerObserver) => () => void>();
    expectTypeOf<BrokerObserver['published']>().toEqualTypeOf<(seconds: number) => void>();
  });
});
