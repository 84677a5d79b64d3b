import { setTimeout as sleep } from 'node:timers/promises';
import { createHub, type Hub, type HubOptions } from '@tidings/server';
import Fastify, { type FastifyInstance } from 'fastify';
import { type AnswersAssets, bundleAnswersPage } from './bundle.ts';
import { type Answers, answers } from './contract.ts';
import { answerTokens, resumeIndex } from './model.ts';
import { renderPage } from './page-html.ts';

/** Waits before token `index`: the model "thinking". Must settle (or reject) once `signal` aborts. */
export type Pace = (index: number, signal: AbortSignal) => Promise<void>;

/** Options of `startAnswersExample`. */
export interface AnswersExampleOptions {
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
   * The wait before each token (a test passes its own, to hold the answer where it wants it).
   * @default 80 ms per token
   */
  pace?: Pace | undefined;
  /**
   * Called when a handler run starts, with the `Last-Event-ID` it resumes after (tests count runs).
   * @default none
   */
  onRun?: ((run: { readonly id: string; readonly lastEventId: string | undefined }) => void) | undefined;
  /**
   * More hub options (heartbeat, retry, …).
   * @default {}
   */
  hub?: HubOptions<Answers> | undefined;
  /**
   * A bundle built before (so restarts skip esbuild).
   * @default bundled with esbuild at start
   */
  assets?: AnswersAssets | undefined;
}

/** A running answers example. */
export interface AnswersExampleServer extends AsyncDisposable {
  /** `http://<host>:<port>`, the page's address. */
  readonly url: string;
  readonly app: FastifyInstance;
  readonly hub: Hub<Answers, 'answer'>;
  readonly assets: AnswersAssets;
  close(): Promise<void>;
}

const tokenPace: Pace = (_index, signal) => sleep(80, undefined, { signal });

/** The hub: the `answer` stream is served per connection by a handler that resumes after `Last-Event-ID`. */
export function createAnswersHub(options: Pick<AnswersExampleOptions, 'pace' | 'onRun' | 'hub'> = {}) {
  const pace = options.pace ?? tokenPace;
  return createHub(answers, {
    ...options.hub,
    handlers: {
      answer: async function* ({ params, query, lastEventId, signal }) {
        options.onRun?.({ id: params.id, lastEventId });
        const tokens = answerTokens(query.q);
        for (let index = resumeIndex(lastEventId, tokens.length); index < tokens.length; index++) {
          // Rejects when the client leaves: the run ends there, and nothing more is produced.
          await pace(index, signal);
          yield { event: 'token', data: { index, text: tokens[index]! }, id: String(index) };
        }
        yield { event: 'done', data: { tokens: tokens.length }, id: 'done' };
      },
    },
  });
}

/**
 * Starts the example: the hub under `/streams`, the page at `/` and its script at `/app.js`.
 * @example
 * await using server = await startAnswersExample({ port: 3002 });
 * console.log(`open ${server.url}`);
 */
export async function startAnswersExample(
  options: AnswersExampleOptions = {},
): Promise<AnswersExampleServer> {
  const assets = options.assets ?? (await bundleAnswersPage());
  const hub = createAnswersHub(options);
  const host = options.host ?? '127.0.0.1';
  const app = Fastify();
  await app.register(hub.plugin, { prefix: '/streams' });
  app.get('/', (_request, reply) =>
    reply.type('text/html; charset=utf-8').header('cache-control', 'no-cache').send(renderPage()),
  );
  app.get('/app.js', (_request, reply) =>
    reply.type('text/javascript; charset=utf-8').header('cache-control', 'no-cache').send(assets.script),
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
  let closing: Promise<void> | undefined;
  const close = () => {
    closing ??= app.close();
    return closing;
  };
  return {
    url: `http://${host.includes(':') ? `[${host}]` : host}:${port}`,
    app,
    hub,
    assets,
    close,
    [Symbol.asyncDispose]: close,
  };
}
