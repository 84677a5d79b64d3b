import type { Socket } from 'node:net';
import type { AnyContract } from '@tidings/contract';
import { createHub, type Hub, type HubOptions } from '@tidings/server';
import Fastify, { type FastifyInstance } from 'fastify';

/** A real Fastify server with a hub at `/streams` on 127.0.0.1; disposing it closes both. */
export interface HubServer<TContract extends AnyContract> extends AsyncDisposable {
  readonly app: FastifyInstance;
  readonly hub: Hub<TContract>;
  readonly port: number;
  /** The base URL clients use (`…/streams`). */
  readonly url: string;
  /** Requests the server has received so far (counted in `onRequest`). */
  readonly requests: () => number;
  /** Destroys every open socket, as a crashed proxy or a dropped network would. */
  destroySockets(): void;
}

/** Where and what a hub server serves besides the hub. */
export interface HubServerSetup {
  /** @default 0 (any free port) */
  port?: number | undefined;
  /** Adds routes before the server listens. */
  routes?: ((app: FastifyInstance) => void) | undefined;
}

/** Starts a hub server. */
export async function hubServer<TContract extends AnyContract>(
  contract: TContract,
  options: HubOptions<TContract> = {},
  { port = 0, routes }: HubServerSetup = {},
): Promise<HubServer<TContract>> {
  const hub = createHub(contract, options);
  // Node's fetch (undici) may leave one idle, request-less socket after an abort (nodejs/undici#5845):
  // close it with the server instead of waiting for its keep-alive timeout.
  const app = Fastify({ forceCloseConnections: true });
  let requests = 0;
  const sockets = new Set<Socket>();
  app.server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  app.addHook('onRequest', async () => {
    requests++;
  });
  await app.register(hub.plugin, { prefix: '/streams' });
  routes?.(app);
  await app.listen({ port, host: '127.0.0.1' });
  const address = app.server.address();
  const actual = typeof address === 'object' && address ? address.port : port;
  let closed = false;
  return {
    app,
    hub,
    port: actual,
    url: `http://127.0.0.1:${actual}/streams`,
    requests: () => requests,
    destroySockets() {
      for (const socket of sockets) socket.destroy();
    },
    async [Symbol.asyncDispose]() {
      if (closed) return;
      closed = true;
      await app.close();
    },
  };
}
