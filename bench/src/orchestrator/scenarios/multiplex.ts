import type { BenchConfig } from '../config.ts';
import type { MultiplexResult } from '../results.ts';
import type { Loadgen, TargetGroup } from '../target-group.ts';
import { connectClients } from './connect.ts';
import { runFlow } from './flow.ts';
import { measureGrowth } from './memory.ts';

/**
 * G, for one way of holding the topics (the target says which: one multiplexed connection per
 * client, or one connection per topic), in a fresh target process:
 *
 * 1. Memory, first, while the process is clean: as C, the server's RSS growth with
 *    `memoryClients` idle clients, divided by their subscriptions (clients × topics).
 * 2. Throughput, as A: the emitter spreads 16 events per loop turn over the topics round-robin,
 *    every client holds every topic so it receives every event, and the emitter may run at most
 *    `window` events ahead of the average client, whose count is summed over its connections.
 *    Every client must have every event at the end.
 */
export async function runMultiplex(
  group: TargetGroup,
  loadgen: Loadgen,
  config: BenchConfig['multiplex'],
  concurrency: number,
): Promise<MultiplexResult> {
  const perClient = group.subscriptionsPerClient;
  try {
    const growth = await measureGrowth(group, loadgen, config.memoryClients, config.settleMs, concurrency);
    await connectClients(group, loadgen, config.clients, concurrency);
    const flow = await runFlow(group, loadgen, config, 'batch');
    const subscriptions = config.memoryClients * perClient;
    return {
      kind: 'multiplex',
      connectionsPerClient: group.connectionsPerClient,
      subscriptionsPerClient: perClient,
      flow,
      rssPerSubscription: growth.rssBytes / subscriptions,
      heapPerSubscription: growth.heapBytes / subscriptions,
      memoryClients: config.memoryClients,
      baselineRss: growth.baselineRss,
    };
  } finally {
    // Whatever failed, no client outlives the scenario (the next one counts from zero).
    await loadgen.request('disconnect', null);
  }
}
