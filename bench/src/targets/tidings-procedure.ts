import type { AddressInfo } from 'node:net';
import { defineContract, defineStream } from '@tidings/contract';
import { createHub } from '@tidings/server';
import Fastify from 'fastify';
import { ANSWER_ID, answerParamsSchema, makeToken, TOKEN_EVENT, tokenSchema } from '../shared/token.ts';
import { StreamGate } from './stream-gate.ts';
import { type BenchTarget, noPublish, type TargetOptions } from './target.ts';

/** Scenario H's contract: one stream served per connection by a handler. */
export const answerContract = defineContract({
  answer: defineStream({
    path: '/answers/:id',
    params: answerParamsSchema,
    events: { [TOKEN_EVENT]: tokenSchema },
  }),
});

const PREFIX = '/streams';

/**
 * Tidings procedures as a user would write them: `createHub` with a handler for the stream, an
 * `async function*` per connection yielding tokens (validated by the server against the
 * contract's schema, ids assigned by the server), served by the Fastify plugin. The handler
 * produces as fast as the server pulls it (the server stops pulling while the connection has
 * more than its watermark unwritten), and waits at the gate's limit.
 */
export async function createTidingsProcedureTarget(options: TargetOptions): Promise<BenchTarget> {
  const gate = new StreamGate(Number.POSITIVE_INFINITY);
  const hub = createHub(answerContract, {
    maxConnections: 50_000,
    handlers: {
      answer: async function* ({ signal }) {
        for (let i = 0; ; i++) {
          if (i >= gate.limit && !(await gate.pass(i, signal))) return;
          yield { event: TOKEN_EVENT, data: makeToken(i) };
        }
      },
    },
  });
  const app = Fastify({ logger: false });
  await app.register(hub.plugin, { prefix: PREFIX });
  await app.listen({ port: 0, host: '127.0.0.1', backlog: options.backlog });
  const { port } = app.server.address() as AddressInfo;
  const params = { id: ANSWER_ID };

  return {
    endpoint: { port, path: `${PREFIX}/answers/${ANSWER_ID}` },
    gate,
    subscribers: () => hub.streams.answer.subscriberCount(params),
    publish: () => noPublish('tidings-proc'),
    close: () => app.close(),
  };
}
