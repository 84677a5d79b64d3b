import type { BenchConfig } from '../config.ts';
import { type ConnectResult, median } from '../results.ts';
import type { Loadgen, TargetGroup } from '../target-group.ts';

/**
 * Opens `count` clients (each with the target's connections: one, or ten in scenario G) and
 * throws unless every connection got a 200 and every subscription registered.
 */
export async function connectClients(
  group: TargetGroup,
  loadgen: Loadgen,
  count: number,
  concurrency: number,
): Promise<number> {
  const result = await loadgen.request(
    'connect',
    { clients: group.clientEndpoints, count, concurrency, timeoutMs: 30_000 },
    120_000,
  );
  if (result.failed > 0) {
    const what =
      group.connectionsPerClient === 1
        ? 'connections'
        : `clients (${group.connectionsPerClient} connections each)`;
    throw new Error(
      `bench: ${result.failed} of ${count} ${what} to ${group.info.name} failed: ${result.errors.join('; ')}`,
    );
  }
  await group.waitForSubscribers(count * group.subscriptionsPerClient);
  return result.elapsedMs;
}

/** Closes every client and waits until the target has let go of them all. */
export async function disconnectClients(group: TargetGroup, loadgen: Loadgen): Promise<void> {
  await loadgen.request('disconnect', null);
  await group.waitForSubscribers(0);
}

/**
 * D: opens `clients` connections with a bounded number in flight and times it until the last
 * client has its response headers (for Tidings: params validated and `authorize` passed);
 * after untimed warm-up rounds, repeated, median reported.
 */
export async function runConnect(
  group: TargetGroup,
  loadgen: Loadgen,
  config: BenchConfig['connect'],
  concurrency: number,
): Promise<ConnectResult> {
  for (let i = 0; i < config.warmups; i++) {
    await connectClients(group, loadgen, config.clients, concurrency);
    await disconnectClients(group, loadgen);
  }
  const rates: number[] = [];
  const started = Date.now();
  // At least one run; more only while the scenario stays within its time budget (a slow peer).
  for (let i = 0; i < config.repeats && (i === 0 || Date.now() - started < 12_000); i++) {
    const elapsedMs = await connectClients(group, loadgen, config.clients, concurrency);
    rates.push(config.clients / (elapsedMs / 1000));
    await disconnectClients(group, loadgen);
  }
  return { kind: 'connect', rates, median: median(rates), clients: config.clients, warmups: config.warmups };
}
