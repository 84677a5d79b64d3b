import type { BenchConfig } from '../config.ts';
import type { MemoryResult } from '../results.ts';
import type { Loadgen, TargetGroup } from '../target-group.ts';
import { connectClients, disconnectClients } from './connect.ts';
import { sleep } from './wait.ts';

/** Server memory growth (all instances) from a baseline with no clients to `clients` idle ones. */
export interface MemoryGrowth {
  rssBytes: number;
  heapBytes: number;
  baselineRss: number;
}

/**
 * Warms the connection path up, takes a baseline RSS after a full GC, opens `clients` idle
 * clients and measures the growth after another GC; closes them again. Kernel socket buffers
 * are not in RSS, for any target.
 */
export async function measureGrowth(
  group: TargetGroup,
  loadgen: Loadgen,
  clients: number,
  settleMs: number,
  concurrency: number,
): Promise<MemoryGrowth> {
  await connectClients(group, loadgen, Math.min(100, clients), concurrency);
  await disconnectClients(group, loadgen);
  await sleep(settleMs);
  const before = await group.stats(true);
  await connectClients(group, loadgen, clients, concurrency);
  await sleep(settleMs);
  const after = await group.stats(true);
  await disconnectClients(group, loadgen);
  return {
    rssBytes: after.rssBytes - before.rssBytes,
    heapBytes: after.heapUsedBytes - before.heapUsedBytes,
    baselineRss: before.rssBytes,
  };
}

/**
 * C: in a fresh target process, the RSS growth of `connections` idle clients (see
 * `measureGrowth`) divided by their number.
 */
export async function runMemory(
  group: TargetGroup,
  loadgen: Loadgen,
  config: BenchConfig['memory'],
  concurrency: number,
): Promise<MemoryResult> {
  const growth = await measureGrowth(group, loadgen, config.connections, config.settleMs, concurrency);
  return {
    kind: 'memory',
    rssPerConnection: growth.rssBytes / config.connections,
    heapPerConnection: growth.heapBytes / config.connections,
    connections: config.connections,
    baselineRss: growth.baselineRss,
  };
}
