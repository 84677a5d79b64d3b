import type { Server } from 'node:http';
import type { Socket } from 'node:net';
import Fastify, {
  type FastifyHttpOptions,
  type FastifyInstance,
  type FastifyPluginAsync,
  type RawServerBase,
} from 'fastify';

/** What `serverResource` needs of a hub: its Fastify plugin (a structural type, so the kit needs no `@tidings/server`). */
export interface ServableHub {
  readonly plugin: FastifyPluginAsync<{ prefix?: string | undefined }, RawServerBase>;
}

/** A Fastify app serving a hub on 127.0.0.1, closed by `await using`. */
export interface ServerResource<THub extends ServableHub> extends AsyncDisposable {
  readonly app: FastifyInstance;
  /** The hub it serves, as passed in. */
  readonly hub: THub;
  /** Base URL of the streams (origin + prefix). */
  readonly url: string;
  /** `http://127.0.0.1:<port>`. */
  readonly origin: string;
  readonly port: number;
  /** Requests the server has received so far (counted in `onRequest`). */
  requests(): number;
  /** Destroys every open socket, as a crashed proxy or a dropped network would. */
  destroySockets(): void;
}

/** How `serverResource` sets up the app around the hub. */
export interface ServerResourceOptions {
  /**
   * Route prefix of the hub's streams.
   * @default '/streams'
   */
  prefix?: string | undefined;
  /**
   * Port to listen on (a restarted server reuses the port of the one it replaces).
   * @default 0 (any free port)
   */
  port?: number | undefined;
  /**
   * Fastify options; merged over `{ forceCloseConnections: true }`, since Node's fetch (undici) may
   * leave an idle, request-less socket that a plain close waits out (nodejs/undici#5845). A test of
   * what `app.close()` itself does passes Fastify's own default, `forceCloseConnections: 'idle'`.
   * @default { forceCloseConnections: true }
   */
  fastify?: FastifyHttpOptions<Server> | undefined;
  /**
   * Runs before the hub is registered: add hooks and routes here.
   * @default none
   */
  before?: ((app: FastifyInstance) => void | Promise<void>) | undefined;
  /**
   * Something the server owns besides the hub, closed after the app: a broker passed to the hub
   * (a hub closes only the broker it created).
   * @default none
   */
  broker?: { close(): Promise<void> } | undefined;
}

/** Serves `hub` with Fastify on 127.0.0.1 (port 0 unless told); disposing it closes the app, then `broker`. */
export async function serverResource<THub extends ServableHub>(
  hub: THub,
  options: ServerResourceOptions = {},
): Promise<ServerResource<THub>> {
  const prefix = options.prefix ?? '/streams';
  const app = Fastify({ forceCloseConnections: true, ...options.fastify });
  let requests = 0;
  const sockets = new Set<Socket>();
  app.server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  app.addHook('onRequest', async () => {
    requests++;
  });
  try {
    await options.before?.(app);
    await app.register(hub.plugin, { prefix });
    await app.listen({ port: options.port ?? 0, host: '127.0.0.1' });
  } catch (error) {
    await app.close();
    await options.broker?.close();
    throw error;
  }
  const address = app.server.address();
  const port = typeof address === 'object' && address !== null ? address.port : Number.NaN;
  const origin = `http://127.0.0.1:${port}`;
  let closed: Promise<void> | undefined;
  return {
    app,
    hub,
    url: `${origin}${prefix}`,
    origin,
    port,
    requests: () => requests,
    destroySockets() {
      for (const socket of sockets) socket.destroy();
    },
    [Symbol.asyncDispose]() {
      closed ??= (async () => {
        await app.close();
        await options.broker?.close();
      })();
      return closed;
    },
  };
}
