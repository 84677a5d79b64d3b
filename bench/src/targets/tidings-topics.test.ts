import { describe, expect, it } from 'vitest';
import { ClientGroup } from '../loadgen/client-group.ts';
import { SseClient } from '../loadgen/sse-client.ts';
import { makeQuote } from '../shared/payload.ts';
import { TOPIC_SYMBOLS } from '../shared/topics.ts';
import { createTidingsTopicsTarget } from './tidings.ts';

const hooks = {
  sampler: { active: false, now: () => 0, record: () => {} },
  onUnexpectedClose: () => {},
};

async function until(check: () => boolean, what: () => string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out: ${what()}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

// Scenario G end to end, in one process: the target's client shape, the load generator's
// clients and the real server, both ways.
describe.each(['mux', 'separate'] as const)('the scenario G target (%s)', (mode) => {
  it('gives every client every event spread over the ten topics, counted over its connections', async () => {
    const errors: unknown[] = [];
    const target = await createTidingsTopicsTarget(
      { instance: 0, backlog: 511, onError: (error) => errors.push(error) },
      mode,
    );
    const clients: ClientGroup<SseClient>[] = [];
    try {
      const shape = target.client!;
      expect(shape.subscriptions).toBe(10);
      expect(shape.paths).toHaveLength(mode === 'mux' ? 1 : 10);
      for (let i = 0; i < 3; i++) {
        const connections = shape.paths.map(() => new SseClient(hooks));
        await Promise.all(
          connections.map((connection, j) =>
            connection.connect({ port: target.endpoint.port, path: shape.paths[j]! }, 5_000),
          ),
        );
        clients.push(new ClientGroup(connections));
      }
      await until(
        () => target.subscribers() === 30,
        () => `${target.subscribers()} subscribers`,
      );
      const topics = target.topics!;
      const events = Array.from({ length: 45 }, (_, n) => makeQuote(n, topics[n % topics.length]));
      for (let i = 0; i < events.length; i += 16) target.publish(events.slice(i, i + 16));
      await until(
        () => clients.every((client) => client.delivered >= events.length),
        () => clients.map((client) => client.delivered).join(', '),
      );
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(clients.map((client) => client.delivered)).toEqual([45, 45, 45]);
      expect(errors).toEqual([]);
      expect(topics).toEqual(TOPIC_SYMBOLS);
    } finally {
      for (const client of clients) client.close();
      await target.close();
    }
  });
});
