import { type Market, market } from '@acme/market-contract';
import { createMarketFeed, type MarketFeed, type MarketFeedOptions } from '@acme/market-server';
import { createHub, type Hub, type HubOptions } from '@tidings/server';
import Fastify, { type FastifyInstance } from 'fastify';
import { bundleReactExample, type ReactExampleAssets } from './bundle.ts';
import { createMarketClient } from './market.generated.ts';
import { renderPage } from './page.tsx';

/** The watchlist when the URL names none: four symbols, so the page needs five streams (a browser allows six connections per host over HTTP/1.1). */
export const DEFAULT_SYMBOLS: readonly string[] = ['ACME', 'NOVA', 'ORBIT', 'ZEPHR'];

/** Options of `startReactExample`. */
export interface ReactExampleOptions {
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
   * The simulated feed's options, or `false` for none (a test emits its own events through `hub`).
   * @default {}
   */
  feed?: MarketFeedOptions | false | undefined;
  /**
   * More hub options (heartbeat, retry, …).
   * @default {}
   */
  hub?: HubOptions<Market> | undefined;
  /**
   * A bundle built before (so restarts skip esbuild).
   * @default bundled with esbuild at start
   */
  assets?: ReactExampleAssets | undefined;
}

/** A running React example server. */
export interface ReactExampleServer extends AsyncDisposable {
  /** `http://<host>:<port>`, the page's address. */
  readonly url: string;
  readonly port: number;
  readonly app: FastifyInstance;
  readonly hub: Hub<Market>;
  readonly feed: MarketFeed | undefined;
  readonly assets: ReactExampleAssets;
  /** Stops the feed, then closes Fastify (which closes the hub). */
  close(): Promise<void>;
}

/** The watchlist of `?symbols=ACME,NOVA`: up to four known-shaped symbols, else the default. */
function watchlist(query: unknown): readonly string[] {
  const raw = (query as { symbols?: unknown }).symbols;
  if (typeof raw !== 'string') return DEFAULT_SYMBOLS;
  const symbols = [...new Set(raw.split(','))].filter((s) => /^[A-Z]{1,5}$/.test(s)).slice(0, 4);
  return symbols.length > 0 ? symbols : DEFAULT_SYMBOLS;
}

/**
 * Starts the React example: the market hub under `/streams`, the page rendered on the server at `/`
 * (hydrated by `/app.js`), and the simulated feed.
 * @example
 * await using server = await startReactExample({ port: 3001 });
 * console.log(`open ${server.url}`);
 */
export async function startReactExample(options: ReactExampleOptions = {}): Promise<ReactExampleServer> {
  const assets = options.assets ?? (await bundleReactExample());
  const hub = createHub(market, options.hub);
  const feed = options.feed === false ? undefined : createMarketFeed(hub, options.feed);
  const host = options.host ?? '127.0.0.1';
  // Server rendering never subscribes: this client only gives the hooks their streams.
  const client = createMarketClient({ baseUrl: `http://${host}/streams` });

  const app = Fastify();
  await app.register(hub.plugin, { prefix: '/streams' });
  app.get('/', (request, reply) =>
    reply
      .type('text/html; charset=utf-8')
      .header('cache-control', 'no-cache')
      .send(renderPage({ client, symbols: watchlist(request.query) })),
  );
  app.get('/app.js', (_request, reply) =>
    reply.type('text/javascript; charset=utf-8').header('cache-control', 'no-cache').send(assets.script),
  );
  app.get('/app.css', (_request, reply) =>
    reply.type('text/css; charset=utf-8').header('cache-control', 'no-cache').send(assets.styles),
  );
  app.get('/favicon.ico', (_request, reply) => reply.code(204).send());
  try {
    await app.listen({ port: options.port ?? 0, host });
  } catch (error) {
    await app.close();
    throw error;
  }
  const address = app.server.address();
  const port = typeof address === 'object' && address !== null ? address.port : (options.port ?? 0);
  feed?.start();

  let closing: Promise<void> | undefined;
  const close = () => {
    closing ??= (async () => {
      feed?.stop();
      client.close();
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
    assets,
    close,
    [Symbol.asyncDispose]: close,
  };
}
