import type { Server } from 'node:http';
import type { AnyContract } from '@tidings/contract';
import Fastify, { type FastifyHttpOptions, type FastifyInstance } from 'fastify';
import type { Hub } from '../hub-types.ts';

/** A Fastify app serving a hub on 127.0.0.1, closed by `await using`. */
export interface ServerResource extends AsyncDisposable {
  readonly app: FastifyInstance;
  /** Base URL of the streams (origin + prefix). */
  readonly url: string;
  readonly origin: string;
  readonly port: number;
}

export interface ServerResourceOptions {
  prefix?: string;
  fastify?: FastifyHttpOptions<Server>;
  before?: (app: FastifyInstance) => Promise<void>;
}

export async function serverResource(
  hub: Hub<AnyContract> | { plugin: Hub<AnyContract>['plugin'] },
  options: ServerResourceOptions = {},
): Promise<ServerResource> {
  const prefix = options.prefix ?? '/streams';
  const app = Fastify(options.fastify ?? {});
  await options.before?.(app);
  await app.register(hub.plugin, { prefix });
  const origin = await app.listen({ port: 0, host: '127.0.0.1' });
  const port = Number(new URL(origin).port);
  return {
    app,
    url: `${origin}${prefix}`,
    origin,
    port,
    [Symbol.asyncDispose]: () => app.close(),
  };
}
