import { sleep } from '../orchestrator/scenarios/wait.ts';
import type { ScaleConfig } from './config.ts';
import { LoadgenPool } from './loadgen-pool.ts';
import { SCALE_PREFIX, scaleShapes, topicSymbols } from './plan.ts';
import type { IdleResult } from './results.ts';
import { ScaleServers } from './scale-servers.ts';

/** Streams opened and closed before the baseline, so the connection path is warm and its code loaded. */
const WARMUP_STREAMS = 200;

/**
 * One server process (`raw` or `tidings`, one topic) holding `connections` idle streams with
 * heartbeats on, the clients spread over several load generators: RSS growth per stream after a
 * full GC (as scenario C), then a window of heartbeat ticks, timed one by one, with the
 * event-loop delay and the process CPU over it, and the RSS again.
 */
export async function runIdle(
  kind: IdleResult['kind'],
  config: ScaleConfig,
  log: (line: string) => void,
  cpuProfDir?: string | undefined,
): Promise<IdleResult> {
  const { idle } = config;
  await using pool = await LoadgenPool.start(idle.loadgens, idle.connections);
  await using servers = await ScaleServers.start(
    `scale-${kind}`,
    1,
    { kind, heartbeatMs: idle.heartbeatMs, topics: 1, backlog: config.backlog },
    cpuProfDir,
  );
  const shapes = scaleShapes(servers.ports, topicSymbols(1), SCALE_PREFIX);
  const warmup = Math.min(WARMUP_STREAMS, idle.connections);
  await pool.connect(shapes, warmup, config.concurrency);
  await servers.waitForSubscribers(warmup);
  await pool.disconnect();
  await servers.waitForSubscribers(0);
  await sleep(idle.settleMs);
  const [before] = await servers.stats(true);

  const connectMs = await pool.connect(shapes, idle.connections, config.concurrency);
  await servers.waitForSubscribers(idle.connections);
  log(`  idle ${kind}: ${idle.connections} streams open in ${(connectMs / 1000).toFixed(1)} s`);
  await sleep(idle.settleMs);
  const [opened] = await servers.stats(true);

  await servers.resetWindow();
  const [windowStart] = await servers.stats();
  const startedAt = performance.now();
  await sleep(idle.windowMs);
  const [windowEnd] = await servers.stats();
  const elapsedMs = performance.now() - startedAt;
  const [after] = await servers.stats(true);
  const snapshot = await pool.snapshot();
  await pool.disconnect();
  const n = idle.connections;
  return {
    kind,
    connections: n,
    heartbeatMs: idle.heartbeatMs,
    baselineRss: before!.rssBytes,
    rssPerConnection: (opened!.rssBytes - before!.rssBytes) / n,
    heapPerConnection: (opened!.heapUsedBytes - before!.heapUsedBytes) / n,
    rssPerConnectionAfter: (after!.rssBytes - before!.rssBytes) / n,
    ticks: windowEnd!.ticks,
    loop: windowEnd!.loop,
    serverCpuPct: ((windowEnd!.cpuMs - windowStart!.cpuMs) / elapsedMs) * 100,
    connectMs,
    open: snapshot.open,
    unexpectedCloses: snapshot.unexpectedCloses,
  };
}
