import { describe, expect, it } from 'vitest';
import { SseClient } from '../loadgen/sse-client.ts';
import { TARGETS } from './registry.ts';

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

// Scenario H end to end, in one process: each target's per-connection streams, its gate, the load
// generator's clients counting the events, and every stream ending when its client leaves.
describe.each(['raw-proc', 'tidings-proc', 'trpc-proc'] as const)('the scenario H target %s', (name) => {
  it('streams events to every client up to the gate, on when it opens, and ends each stream when its client leaves', async () => {
    const errors: unknown[] = [];
    const create = await TARGETS[name].load();
    const target = await create({ instance: 0, backlog: 511, onError: (error) => errors.push(error) });
    const clients: SseClient[] = [];
    try {
      const gate = target.gate!;
      gate.set(5);
      for (let i = 0; i < 3; i++) {
        const client = new SseClient(hooks);
        await client.connect(target.endpoint, 5_000);
        clients.push(client);
      }
      await until(
        () => target.subscribers() === 3 && gate.waiting === 3,
        () => `${target.subscribers()} streams, ${gate.waiting} waiting at the gate`,
      );
      // Every stream waits at the gate with exactly its first five events sent.
      await until(
        () => clients.every((client) => client.delivered === 5),
        () => clients.map((client) => client.delivered).join(', '),
      );

      gate.set(Number.POSITIVE_INFINITY);
      await until(
        () => clients.every((client) => client.delivered > 1_000),
        () => clients.map((client) => client.delivered).join(', '),
      );
      expect(() => target.publish([])).toThrow(/nothing to publish/);

      for (const client of clients) client.close();
      await until(
        () => target.subscribers() === 0,
        () => `${target.subscribers()} streams still running`,
      );
      expect(errors).toEqual([]);
    } finally {
      for (const client of clients) client.close();
      await target.close();
    }
  });
});
