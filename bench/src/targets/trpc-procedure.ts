import type { AddressInfo } from 'node:net';
import { initTRPC, tracked } from '@trpc/server';
import { createHTTPServer } from '@trpc/server/adapters/standalone';
import { z } from 'zod';
import { ANSWER_ID, answerParamsSchema, makeToken, tokenSchema } from '../shared/token.ts';
import { StreamGate } from './stream-gate.ts';
import { type BenchTarget, noPublish, type TargetOptions } from './target.ts';
import { zAsyncIterable } from './z-async-iterable.ts';

/**
 * tRPC v11's own kind of procedure: an `async function*` subscription per connection yielding
 * `tracked()` tokens (ids `<ms>-<i>`, as Tidings assigns them), every yield validated with zod by
 * the guide's `zAsyncIterable` output helper, served as SSE by the standalone (node:http)
 * adapter, which pulls the generator only as fast as the response drains. Waits at the gate's
 * limit like the Tidings handler.
 */
export async function createTrpcProcedureTarget(options: TargetOptions): Promise<BenchTarget> {
  const gate = new StreamGate(Number.POSITIVE_INFINITY);
  let running = 0;
  const t = initTRPC.create();
  const router = t.router({
    answer: t.procedure
      .input(answerParamsSchema.extend({ lastEventId: z.string().nullish() }))
      .output(zAsyncIterable({ yield: tokenSchema }))
      .subscription(async function* ({ signal }) {
        running++;
        try {
          const aborted = signal ?? new AbortController().signal;
          for (let i = 0; ; i++) {
            if (i >= gate.limit && !(await gate.pass(i, aborted))) return;
            yield tracked(`${Date.now()}-${i}`, makeToken(i));
          }
        } finally {
          running--;
        }
      }),
  });
  const server = createHTTPServer({ router, createContext: () => ({}) });
  await new Promise<void>((resolve) =>
    server.listen({ port: 0, host: '127.0.0.1', backlog: options.backlog }, resolve),
  );
  const { port } = server.address() as AddressInfo;

  return {
    endpoint: { port, path: `/answer?input=${encodeURIComponent(JSON.stringify({ id: ANSWER_ID }))}` },
    gate,
    subscribers: () => running,
    publish: () => noPublish('trpc-proc'),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
