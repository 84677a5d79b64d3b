import { Redis } from 'ioredis';
import { startBenchRedis } from '../orchestrator/redis.ts';
import { sleep, waitUntil } from '../orchestrator/scenarios/wait.ts';
import type { Snapshot } from '../shared/protocol.ts';
import type { ScaleConfig } from './config.ts';
import { LoadgenPool } from './loadgen-pool.ts';
import { SCALE_PREFIX, scaleShapes, topicSymbols } from './plan.ts';
import type { ScaleStats } from './protocol.ts';
import { redisUsage } from './redis-info.ts';
import type { InstanceFigures, ManyResult } from './results.ts';
import { ScaleServers } from './scale-servers.ts';

/**
 * Many processes: `connections` streams over `instances` Tidings processes behind one private
 * Redis, each stream on one of `topics` topics (every instance serves every topic), heartbeats
 * on. An emitter process (a hub on the same Redis that only emits) sends one event per topic per
 * round, spread over the round, for `rounds` rounds; every stream must receive exactly one event
 * per round. Latency is sampled on every delivery; server memory every `sampleMs`.
 */
export async function runMany(
  config: ScaleConfig,
  log: (line: string) => void,
  cpuProfDir?: string | undefined,
): Promise<ManyResult> {
  const { many } = config;
  const redis = await startBenchRedis();
  await using _redis = { [Symbol.asyncDispose]: () => redis.close() };
  const info = new Redis(redis.url, { lazyConnect: true, maxRetriesPerRequest: 1 });
  await using _info = { [Symbol.asyncDispose]: async () => info.disconnect() };
  await info.connect();
  const redisNow = async () => redisUsage(await info.info());

  const serverOptions = {
    kind: 'tidings' as const,
    heartbeatMs: many.heartbeatMs,
    topics: many.topics,
    backlog: config.backlog,
    redisUrl: redis.url,
    keyPrefix: `bench-scale:${process.pid}:${Date.now()}:`,
  };
  await using pool = await LoadgenPool.start(many.loadgens, many.connections);
  await using servers = await ScaleServers.start('scale-tidings', many.instances, serverOptions, cpuProfDir);
  await using emitters = await ScaleServers.start('scale-emitter', 1, { ...serverOptions, kind: 'emitter' });
  const emitter = emitters.children[0]!;
  log(
    `  many: ${many.instances} instances, ${many.loadgens} load generators (sources ${pool.sources.map((s) => s.join('+')).join(', ')})`,
  );

  const baseline = await servers.stats(true);
  const shapes = scaleShapes(servers.ports, topicSymbols(many.topics), SCALE_PREFIX);
  const connectMs = await pool.connect(shapes, many.connections, config.concurrency);
  await servers.waitForSubscribers(many.connections, 120_000);
  log(`  many: ${many.connections} streams open in ${(connectMs / 1000).toFixed(1)} s`);

  await servers.resetWindow();
  const peaks = baseline.map((s) => s.rssBytes);
  let peakTogether = 0;
  let peakPss = 0;
  let latest: ScaleStats[] = await servers.stats();
  const note = (stats: ScaleStats[]): void => {
    latest = stats;
    let together = 0;
    let pss = 0;
    stats.forEach((s, i) => {
      peaks[i] = Math.max(peaks[i]!, s.rssBytes);
      together += s.rssBytes;
      pss += s.pssBytes;
    });
    peakTogether = Math.max(peakTogether, together);
    peakPss = Math.max(peakPss, pss);
  };
  note(latest);
  const serverStart = latest.reduce((sum, s) => sum + s.cpuMs, 0);
  const emitterStart = (await emitter.request('stats', { gc: false })).cpuMs;
  const loadgenStart = await pool.cpuMs();
  const redisStart = await redisNow();
  await pool.latency(true);
  const startedAt = performance.now();
  await emitter.request('emit', { rounds: many.rounds, roundMs: many.roundMs });

  // Sample memory until every round is emitted and settled.
  const deadline = startedAt + many.rounds * many.roundMs + 30_000;
  let emitterStats = await emitter.request('stats', { gc: false });
  while (!emitterStats.done && performance.now() < deadline) {
    await sleep(many.sampleMs);
    note(await servers.stats());
    emitterStats = await emitter.request('stats', { gc: false });
  }
  const emittedAt = performance.now();
  const emitWindow = emittedAt - startedAt;
  note(await servers.stats());
  const serverEnd = latest.reduce((sum, s) => sum + s.cpuMs, 0);
  const loadgenEnd = await pool.cpuMs();
  const redisEnd = await redisNow();

  let last: Snapshot | undefined;
  await waitUntil(many.drainTimeoutMs, async () => {
    last = await pool.snapshot();
    return last.minPerClient >= many.rounds;
  });
  const snapshot = last ?? (await pool.snapshot());
  const elapsedMs = performance.now() - startedAt;
  const latency = await pool.latency(false);
  await pool.sampleOff();
  note(await servers.stats());
  const instances: InstanceFigures[] = latest.map((s, i) => ({
    streams: s.subscribers,
    peakRss: peaks[i]!,
    baselineRss: baseline[i]!.rssBytes,
    longestTickMs: s.ticks.count > 0 ? s.ticks.maxMs : Number.NaN,
    tickCpuMs: s.ticks.meanCpuMs,
    longestSliceMs: s.ticks.count > 0 ? s.ticks.longestSliceMs : Number.NaN,
    ticks: s.ticks.count,
    loop: s.loop,
  }));
  const afterGc = (await servers.stats(true)).reduce((sum, s) => sum + s.rssBytes, 0);
  await pool.disconnect();
  return {
    connections: many.connections,
    instances,
    loadgens: many.loadgens,
    topics: many.topics,
    rounds: many.rounds,
    roundMs: many.roundMs,
    heartbeatMs: many.heartbeatMs,
    connectMs,
    expectedPerStream: many.rounds,
    delivered: snapshot.delivered,
    lost: Math.max(0, many.rounds * many.connections - snapshot.delivered),
    minPerStream: snapshot.minPerClient,
    maxPerStream: snapshot.maxPerClient,
    unexpectedCloses: snapshot.unexpectedCloses,
    latency,
    serverPeakRss: peaks.reduce((a, b) => a + b, 0),
    serverPeakRssTogether: peakTogether,
    serverPeakPssTogether: peakPss,
    serverRssAfterGc: afterGc,
    emitterRss: emitterStats.rssBytes,
    redisRss: redisEnd.rssBytes,
    serverCpuPct: ((serverEnd - serverStart) / emitWindow) * 100,
    emitterCpuPct: ((emitterStats.cpuMs - emitterStart) / emitWindow) * 100,
    loadgenCpuPct: ((loadgenEnd - loadgenStart) / emitWindow) * 100,
    redisCpuPct: ((redisEnd.cpuMs - redisStart.cpuMs) / emitWindow) * 100,
    emitted: emitterStats.emitted,
    emitErrors: emitterStats.errors,
    firstEmitError: emitterStats.firstError,
    emitWindowMs: emitWindow,
    elapsedMs,
  };
}
