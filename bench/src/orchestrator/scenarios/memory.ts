import type { BenchConfig } from '../config.ts';
import type { MemoryResult } from '../results.ts';
import type { Loadgen, TargetGroup } from '../target-group.ts';
import { connectClients, disconnectClients } from './connect.ts';
import { sleep } from './wait.ts';

/**
 * C: in a fresh target process, warms the connection path up, takes a baseline RSS after a
 * full GC, opens `connections` idle clients and divides the RSS growth (after another GC) by
 * their number. Kernel socket buffers are not in RSS, for any target.
 */
export async function runMemory(
  group: TargetGroup,
  loadgen: Loadgen,
  config: BenchConfig['memory'],
  concurrency: number,
): Promise<MemoryResult> {
  await connectClients(group, loadgen, Math.min(100, config.connections), concurrency);
  await disconnectClients(group, loadgen);
  await sleep(config.settleMs);
  const before = await group.stats(true);
  await connectClients(group, loadgen, config.connections, concurrency);
  await sleep(config.settleMs);
  const after = await group.stats(true);
  await disconnectClients(group, loadgen);
  return {
    kind: 'memory',
    rssPerConnection: (after.rssBytes - before.rssBytes) / config.connections,
    heapPerConnection: (after.heapUsedBytes - before.heapUsedBytes) / config.connections,
    connections: config.connections,
    baselineRss: before.rssBytes,
  };
}
