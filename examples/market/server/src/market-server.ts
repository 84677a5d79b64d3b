import { type Market, market } from '@acme/market-contract';
import { bundleMarketWeb, type MarketWebAssets, renderPage } from '@acme/market-web';
import { type Broker, createHub, type Hub, type HubOptions } from '@tidings/server';
import { tidingsMetrics } from '@tidings/server/metrics';
import Fastify, { type FastifyInstance } from 'fastify';
import type { Redis } from 'ioredis';
import { createFeedLeadership, type FeedLeadership } from './feed-leader.ts';
import { createMarketFeed, type MarketFeed, type MarketFeedOptions } from './market-feed.ts';

/** Options of `startMarketServer`. */
export interface MarketServerOptions {
  /**
   * The TCP port; 0 picks a free one.
   * @default 0
   */
  port?: number | undefined;
  /**
   * The address to listen on.
   * @default '127.0.0.1'
   */
  host?: string | undefined;
  /**
   * The broker the hub publishes through; the caller closes it.
   * @default a memory broker the hub creates and closes
   */
  broker?: Broker | undefined;
  /**
   * The simulated feed's options, or `false` for no feed.
   * @default {}
   */
  feed?: MarketFeedOptions | false | undefined;
  /**
   * Run the feed only while this instance holds a lock in this Redis, so that of several
   * instances on one Redis broker exactly one simulates the market.
   * @default the feed always runs
   */
  leader?: { redis: Redis; key?: string | undefined; ttlMs?: number | undefined } | undefined;
  /**
   * More hub options (heartbeat, drain window, …).
   * @default {}
   */
  hub?: Omit<HubOptions<Market>, 'broker'> | undefined;
  /**
   * A bundle built before (so restarts skip esbuild).
   * @default bundled with esbuild at start
   */
  assets?: MarketWebAssets | undefined;
  /**
   * Fastify's logger.
   * @default false
   */
  logger?: boolean | undefined;
}

/** A running market server. */
export interface MarketServer extends AsyncDisposable {
  /** `http://<host>:<port>`, the page's address. */
  readonly url: string;
  readonly port: number;
  readonly app: FastifyInstance;
  readonly hub: Hub<Market>;
  /** The simulated feed, unless `feed: false`. */
  readonly feed: MarketFeed | undefined;
  /** `leader` or `follower` with the `leader` option, else `standalone`. */
  readonly role: 'leader' | 'follower' | 'standalone';
  /** The page's bundle, to pass to a restarted server. */
  readonly assets: MarketWebAssets;
  /** Stops the feed, then closes Fastify (which drains and closes the hub). */
  close(): Promise<void>;
}

/** Starts the market demo: the hub under `/streams`, the page at `/`, its bundle, `/health`, `/metrics` (Prometheus) and the feed. */
export async function startMarketServer(options: MarketServerOptions = {}): Promise<MarketServer> {
  const assets = options.assets ?? (await bundleMarketWeb());
  const hub = createHub(market, { ...options.hub, broker: options.broker });
  const feed = options.feed === false ? undefined : createMarketFeed(hub, options.feed);
  const page = renderPage({ symbols: feed?.symbols ?? [] });
  const started = Date.now();

  const app = Fastify({ logger: options.logger ?? false });
  await app.register(hub.plugin, { prefix: '/streams' });
  await app.register(tidingsMetrics, { hub, path: '/metrics' });
  app.get('/', (_request, reply) =>
    reply.type('text/html; charset=utf-8').header('cache-control', 'no-cache').send(page),
  );
  app.get('/app.js', (_request, reply) =>
    reply.type('text/javascript; charset=utf-8').header('cache-control', 'no-cache').send(assets.script),
  );
  app.get('/app.css', (_request, reply) =>
    reply.type('text/css; charset=utf-8').header('cache-control', 'no-cache').send(assets.styles),
  );
  let leadership: FeedLeadership | undefined;
  const role = () => (leadership ? (leadership.leader ? 'leader' : 'follower') : 'standalone');
  app.get('/health', () => ({
    status: 'ok',
    uptimeMs: Date.now() - started,
    feed: feed?.running ? 'running' : 'stopped',
    role: role(),
    stats: hub.stats(),
  }));

  try {
    await app.listen({ port: options.port ?? 0, host: options.host ?? '127.0.0.1' });
  } catch (error) {
    await app.close();
    throw error;
  }
  const address = app.server.address();
  const port = typeof address === 'object' && address !== null ? address.port : (options.port ?? 0);
  const host = options.host ?? '127.0.0.1';
  if (feed && options.leader) {
    const { redis, key, ttlMs } = options.leader;
    leadership = createFeedLeadership({
      redis,
      key,
      ttlMs,
      onChange: (leader) => (leader ? feed.start() : feed.stop()),
      onError: options.feed === false ? undefined : options.feed?.onError,
    });
  } else {
    feed?.start();
  }

  let closing: Promise<void> | undefined;
  const close = () => {
    closing ??= (async () => {
      await leadership?.stop();
      feed?.stop();
      await app.close();
    })();
    return closing;
  };
  return {
    url: `http://${host.includes(':') ? `[${host}]` : host}:${port}`,
    port,
    app,
    hub,
    feed,
    get role() {
      return role();
    },
    assets,
    close,
    [Symbol.asyncDispose]: close,
  };
}
