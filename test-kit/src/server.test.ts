import type { ServerResponse } from 'node:http';
import { describe, expect, test } from 'vitest';
import { type ServableHub, serverResource } from './server.ts';
import { openSse } from './sse.ts';

/** A stand-in for a hub: the kit only needs a Fastify plugin. */
const hub: ServableHub = {
  plugin: async (app) => {
    app.get('/feed', (_request, reply) => {
      // Served over HTTP/1.1 here, so the raw reply is a node:http response that stays open.
      const raw = reply.raw as ServerResponse;
      raw.writeHead(200, { 'content-type': 'text/event-stream' });
      raw.write('retry: 10\n\n: position 1-0\n\n: hello\n\nid: 2-0\nevent: tick\ndata: {"n":1}\n\n');
      return reply;
    });
  },
};

describe('serverResource', () => {
  test('serves the plugin under the prefix on 127.0.0.1, counts requests and runs `before` first', async () => {
    let closed = false;
    {
      await using server = await serverResource(hub, {
        before: (app) => {
          app.get('/health', async () => ({ ok: true }));
        },
        broker: {
          close: async () => {
            closed = true;
          },
        },
      });
      expect(server.origin).toBe(`http://127.0.0.1:${server.port}`);
      expect(server.url).toBe(`${server.origin}/streams`);
      expect(server.hub).toBe(hub);
      expect(await (await fetch(`${server.origin}/health`)).json()).toEqual({ ok: true });
      await using stream = await openSse(`${server.url}/feed`);
      await stream.until(1);
      expect(stream.events).toEqual([{ id: '2-0', event: 'tick', data: '{"n":1}' }]);
      expect(stream.retries).toEqual([10]);
      expect(stream.positions).toEqual(['1-0']);
      expect(stream.comments).toEqual(['hello']);
      expect(server.requests()).toBe(2);
      server.destroySockets();
      await stream.ended;
      expect(closed).toBe(false);
    }
    expect(closed).toBe(true);
  });
});
