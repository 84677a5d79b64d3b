import { fmtCount, fmtKiB, fmtMs, fmtPct, fmtRatio, table } from '../report/format.ts';
import type { FlatRow, IdleResult, ManyResult, ScaleResults } from './results.ts';

const MIB = 2 ** 20;
/** `createHub`'s default `heartbeatMs`. */
const DEFAULT_HEARTBEAT_MS = 15_000;
const GIB = 2 ** 30;

/** Targets of issue 19. */
export const SCALE_TARGETS = {
  /** Tidings RSS per idle stream ÷ raw `node:http`'s, one process at the open-files limit. */
  idleRssRatio: 1.2,
  /** Events per server CPU-second at every client count within ±20% of the smallest count's. */
  flatSpread: 0.2,
  /** Events lost over the many-process run. */
  lost: 0,
  /** Total RSS of the Tidings instances in the many-process run. */
  serverRssBytes: 1.5 * GIB,
} as const;

export type Verdict = 'met' | 'missed' | 'not measured';

export interface ScaleOutcome {
  target: string;
  measured: string;
  verdict: Verdict;
}

const fmtMiB = (bytes: number): string => (Number.isFinite(bytes) ? `${(bytes / MIB).toFixed(0)} MiB` : '—');
const fmtGiB = (bytes: number): string => (Number.isFinite(bytes) ? `${(bytes / GIB).toFixed(2)} GiB` : '—');

/**
 * Each value ÷ the first (the smallest client count): the flat-cost figure, with whether all
 * stay within ±`spread`.
 */
export function flatness(values: readonly number[], spread: number = SCALE_TARGETS.flatSpread) {
  const first = values[0];
  const ratios = values.map((v) => (first === undefined ? Number.NaN : v / first));
  const within = ratios.length > 1 && ratios.every((r) => Number.isFinite(r) && Math.abs(r - 1) <= spread);
  return { ratios, within };
}

function idleOf(results: ScaleResults, kind: IdleResult['kind']): IdleResult | undefined {
  return results.idle.find((r) => r.kind === kind);
}

function flatOf(results: ScaleResults, target: FlatRow['target']): FlatRow[] {
  return results.flat.filter((r) => r.target === target).sort((a, b) => a.clients - b.clients);
}

/** Whether each target of issue 19 was met. */
export function scaleOutcomes(results: ScaleResults): ScaleOutcome[] {
  const outcomes: ScaleOutcome[] = [];
  const raw = idleOf(results, 'raw');
  const tidings = idleOf(results, 'tidings');
  const ratio = raw && tidings ? tidings.rssPerConnection / raw.rssPerConnection : Number.NaN;
  outcomes.push({
    target: `one process, ${fmtCount(tidings?.connections ?? Number.NaN)} idle streams: RSS per stream ≤ ${SCALE_TARGETS.idleRssRatio}× raw node:http`,
    measured: `${fmtRatio(ratio)} (${fmtKiB(tidings?.rssPerConnection ?? Number.NaN)} vs ${fmtKiB(raw?.rssPerConnection ?? Number.NaN)})`,
    verdict:
      Number.isFinite(ratio) && raw!.rssPerConnection > 0
        ? ratio <= SCALE_TARGETS.idleRssRatio
          ? 'met'
          : 'missed'
        : 'not measured',
  });
  const flat = flatOf(results, 'tidings');
  const { ratios, within } = flatness(flat.map((r) => r.perCpuSecond));
  const rawFlat = flatOf(results, 'raw');
  const vsRaw = flat.map((r) => {
    const there = rawFlat.find((x) => x.clients === r.clients);
    return there ? r.perCpuSecond / there.perCpuSecond : Number.NaN;
  });
  outcomes.push({
    target: `Tidings events per server CPU-s at ${flat.map((r) => fmtCount(r.clients)).join(' / ')} clients within ±${SCALE_TARGETS.flatSpread * 100}% of each other`,
    measured:
      flat.length > 1
        ? `${flat.map((r) => fmtCount(r.perCpuSecond)).join(' / ')} (${ratios.map((r) => fmtRatio(r)).join(' / ')} of the first; ${vsRaw.map((r) => fmtRatio(r)).join(' / ')} of raw node:http's)`
        : '—',
    verdict: flat.length > 1 ? (within ? 'met' : 'missed') : 'not measured',
  });
  const many = results.many;
  outcomes.push({
    target: `${fmtCount(many?.connections ?? Number.NaN)} streams over ${many?.instances.length ?? '—'} instances: events lost = 0`,
    measured: many ? fmtCount(many.lost) : '—',
    verdict: many ? (many.lost === SCALE_TARGETS.lost ? 'met' : 'missed') : 'not measured',
  });
  outcomes.push({
    target: `the same: total server RSS ≤ ${fmtGiB(SCALE_TARGETS.serverRssBytes)}`,
    measured: many
      ? `${fmtGiB(many.serverPeakRss)} (PSS, shared pages counted once: ${fmtGiB(many.serverPeakPssTogether)})`
      : '—',
    verdict: many ? (many.serverPeakRss <= SCALE_TARGETS.serverRssBytes ? 'met' : 'missed') : 'not measured',
  });
  return outcomes;
}

export function idleTable(results: ScaleResults): string | undefined {
  if (results.idle.length === 0) return undefined;
  const raw = idleOf(results, 'raw');
  const rows = results.idle.map((r) => [
    r.kind === 'raw' ? 'raw node:http' : 'Tidings, memory broker',
    fmtCount(r.connections),
    fmtMiB(r.baselineRss),
    fmtKiB(r.rssPerConnection),
    r.kind === 'raw' || !raw ? '1.00×' : fmtRatio(r.rssPerConnection / raw.rssPerConnection),
    fmtKiB(r.heapPerConnection),
    fmtKiB(r.rssPerConnectionAfter),
    `${r.ticks.count}`,
    fmtMs(r.ticks.meanCpuMs),
    `${((r.ticks.meanCpuMs * 1000) / r.connections).toFixed(2)} µs`,
    `${fmtMs(r.ticks.meanMs)} / ${fmtMs(r.ticks.maxMs)}`,
    `${fmtMs(r.ticks.longestSliceMs)} (${Number.isFinite(r.ticks.meanSlices) ? r.ticks.meanSlices.toFixed(0) : '—'})`,
    `${fmtMs(r.loop.p99)} / ${fmtMs(r.loop.max)}`,
    fmtPct(r.serverCpuPct),
    `${(r.connections / (r.connectMs / 1000)).toFixed(0)}/s`,
    `${fmtCount(r.open)} / ${r.unexpectedCloses}`,
  ]);
  const first = results.idle[0]!;
  return `### One process at the open-files limit (idle streams, heartbeats on)

${table(
  [
    'server',
    'streams',
    'baseline RSS',
    'RSS per stream',
    '× raw',
    'heap per stream',
    'RSS per stream after the ticks',
    'ticks',
    'CPU per tick',
    'per stream',
    'tick span mean / longest',
    'longest slice (slices per tick)',
    'loop delay p99 / max',
    'server CPU',
    'connects',
    'open at end / closed by server',
  ],
  rows,
)}

One server process, one topic, ${fmtCount(first.connections)} streams from load generators in separate processes (each connection bound to a loopback source address of its own load generator). RSS per stream: growth over a warmed-up baseline, each reading after a full GC (as scenario C). Then a window of heartbeat ticks every ${fmtMs(first.heartbeatMs)} (the default is 15 s; a tick costs the same either way). Each tick is timed from outside the hub: its timer callback and the slices it schedules (the hub beats 1,000 connections per event-loop turn; raw node:http writes them all in one go), each with the next-tick work it queues. "CPU per tick" is process CPU over its slices, the kernel's socket writes included; the span runs from the first slice to the end of the last; the longest slice is the longest the tick held the event loop at once. "Loop delay" is \`monitorEventLoopDelay\` over the window, beyond its 10 ms sampling interval. Server CPU is the process over the whole window, percent of one core.`;
}

export function flatTable(results: ScaleResults): string | undefined {
  if (results.flat.length === 0) return undefined;
  const rows: string[][] = [];
  const raw = flatOf(results, 'raw');
  for (const target of ['raw', 'tidings'] as const) {
    const list = flatOf(results, target);
    const { ratios } = flatness(list.map((r) => r.perCpuSecond));
    list.forEach((r, i) => {
      const rawThere = raw.find((x) => x.clients === r.clients);
      rows.push([
        target === 'raw' ? 'raw node:http' : 'Tidings, memory broker',
        fmtCount(r.clients),
        fmtCount(r.median),
        r.rates.map(fmtCount).join(' / '),
        fmtPct(r.serverCpuPct),
        fmtCount(r.perCpuSecond),
        fmtRatio(ratios[i]),
        rawThere ? fmtRatio(r.perCpuSecond / rawThere.perCpuSecond) : '—',
        fmtPct(r.loadgenCpuPct),
        fmtPct(r.emitterWaitPct),
        r.undelivered === null ? '—' : fmtCount(r.undelivered),
      ]);
    });
  }
  return `### Flat cost: events per server CPU-second as clients grow

${table(
  [
    'server',
    'clients',
    'events/s delivered (median)',
    'windows',
    'server CPU',
    'events per server CPU-s',
    '× the first',
    '× raw',
    'load generators CPU',
    'emitter waited',
    'undelivered',
  ],
  rows,
)}

Scenario A at each client count, each in a fresh server process: 16 events per loop turn on one topic, every client receives every event, the emitter at most 32 events ahead of the average client (summed over the load generator processes every 10 ms). The load generator is three processes whatever the count, each binding its connections to loopback source addresses of its own. With the load generators saturated, events/s measures them as much as the server; events per server CPU-second is the server's own cost, and the figure that must stay flat. "× raw" is Tidings' figure over raw node:http's at the same count: what Tidings adds, apart from what the kernel and Node's sockets cost at that size.`;
}

export function manyTable(many: ManyResult | undefined): string | undefined {
  if (!many) return undefined;
  const baselines = many.instances.reduce((s, i) => s + i.baselineRss, 0);
  const perStream = (many.serverPeakRss - baselines) / many.connections;
  const longestTick = Math.max(...many.instances.map((i) => i.longestTickMs).filter(Number.isFinite));
  const longestSlice = Math.max(...many.instances.map((i) => i.longestSliceMs).filter(Number.isFinite));
  const rows: [string, string][] = [
    [
      'streams',
      `${fmtCount(many.connections)} (${many.instances.map((i) => fmtCount(i.streams)).join(' + ')})`,
    ],
    ['Tidings instances / load generator processes', `${many.instances.length} / ${many.loadgens}`],
    [
      'events',
      `one per topic every ${fmtMs(many.roundMs)} on ${fmtCount(many.topics)} topics, ${many.rounds} rounds (${fmtCount(many.emitted)} emitted, ${many.emitErrors} failed)`,
    ],
    [
      'deliveries expected / received',
      `${fmtCount(many.expectedPerStream * many.connections)} / ${fmtCount(many.delivered)}`,
    ],
    ['**events lost**', `**${fmtCount(many.lost)}**`],
    [
      'per stream: fewest / most',
      `${many.minPerStream} / ${many.maxPerStream} (expected ${many.expectedPerStream})`,
    ],
    ['streams closed by a server', `${many.unexpectedCloses}`],
    [
      '**delivery latency p50 / p90 / p99 / max**',
      `**${fmtMs(many.latency.p50)} / ${fmtMs(many.latency.p90)} / ${fmtMs(many.latency.p99)}** / ${fmtMs(many.latency.max)} (${fmtCount(many.latency.count)} samples)`,
    ],
    [
      '**total server RSS** (each instance at its peak)',
      `**${fmtGiB(many.serverPeakRss)}** (${fmtMiB(many.serverPeakRss)})`,
    ],
    ['total server RSS, highest at one sample', fmtGiB(many.serverPeakRssTogether)],
    [
      'total server PSS, highest at one sample (shared pages counted once)',
      fmtGiB(many.serverPeakPssTogether),
    ],
    ['total server RSS after a full GC, at the end', fmtGiB(many.serverRssAfterGc)],
    [
      'RSS per instance: before the streams → peak',
      many.instances.map((i) => `${fmtMiB(i.baselineRss)} → ${fmtMiB(i.peakRss)}`).join(', '),
    ],
    ['RSS growth per stream (peak − baselines)', fmtKiB(perStream)],
    ['emitter RSS / Redis RSS', `${fmtMiB(many.emitterRss)} / ${fmtMiB(many.redisRss)}`],
    [
      'CPU: servers / emitter / Redis / load generators',
      `${fmtPct(many.serverCpuPct)} / ${fmtPct(many.emitterCpuPct)} / ${fmtPct(many.redisCpuPct)} / ${fmtPct(many.loadgenCpuPct)}`,
    ],
    [
      'heartbeat ticks per instance; longest span / slice; mean CPU of a tick per instance',
      `${many.instances.map((i) => i.ticks).join(', ')}; ${fmtMs(longestTick)} / ${fmtMs(longestSlice)}; ${many.instances.map((i) => fmtMs(i.tickCpuMs)).join(', ')}`,
    ],
    [
      'event-loop delay p99 / max, worst instance',
      `${fmtMs(Math.max(...many.instances.map((i) => i.loop.p99)))} / ${fmtMs(Math.max(...many.instances.map((i) => i.loop.max)))}`,
    ],
    ['time to open every stream', fmtMs(many.connectMs)],
  ];
  return `### Many processes: ${fmtCount(many.connections)} streams, ${many.instances.length} instances, one Redis

${table(['', ''], rows)}

Every instance serves every topic (\`redisBroker\` on one private \`redis-server\`, one subscription per topic per instance); each stream is on one topic, about ${fmtCount(many.connections / many.topics)} per topic. The emitter is a process of its own: a hub on the same Redis that only emits, with the send time in each payload; latency is the receive time minus it, on the machine's monotonic clock, for every delivery (each load generator's percentiles; the table gives the highest, an upper bound of the whole's). Heartbeats every ${fmtMs(many.heartbeatMs)} (the default). CPU is percent of one core over the emitting window, summed over the processes of each kind. RSS is sampled every few seconds without a GC; "events lost" is what was missing when every stream should have had all ${many.expectedPerStream} of its topic's events.`;
}

/**
 * Sizing rules from this run's figures: connections per process, memory per connection, when
 * to add instances, when to move to a Redis Cluster.
 */
export function sizingRules(results: ScaleResults, fdLimit: number): string {
  const tidings = idleOf(results, 'tidings');
  const flat = flatOf(results, 'tidings');
  const many = results.many;
  const perCore = flat.length > 0 ? Math.min(...flat.map((r) => r.perCpuSecond)) : Number.NaN;
  const manyBaseline = many
    ? many.instances.reduce((s, i) => s + i.baselineRss, 0) / many.instances.length
    : Number.NaN;
  const manyPerStream = many
    ? (many.serverPeakRss - many.instances.reduce((s, i) => s + i.baselineRss, 0)) / many.connections
    : Number.NaN;
  const singleWrites = many
    ? many.delivered / ((many.serverCpuPct / 100) * (many.emitWindowMs / 1000))
    : Number.NaN;
  const redisPerPublishMs = many
    ? ((many.redisCpuPct / 100) * many.emitWindowMs) / Math.max(1, many.emitted)
    : Number.NaN;
  const redisCapacity = many ? 1000 / redisPerPublishMs : Number.NaN;
  const perConnection = Math.max(tidings?.rssPerConnection ?? Number.NaN, manyPerStream);
  const connectionsPerProcess = Math.floor((fdLimit - 1000) / 500) * 500;
  const lines = [
    '## Sizing rules',
    '',
    `From the figures above, on this machine (2 cores); scale them by your own \`pnpm bench --scale\`.`,
    '',
    `- **Connections per process: up to the open-files limit less about 1,000** (${fmtCount(connectionsPerProcess)} here, with a hard limit of ${fmtCount(fdLimit)}): each stream is one socket, and the process also needs descriptors for Redis, logs and sockets still closing. Memory and heartbeats do not set the limit first: at ${fmtCount(tidings?.connections ?? Number.NaN)} streams a heartbeat tick took ${fmtMs(tidings?.ticks.meanCpuMs ?? Number.NaN)} of CPU (one socket write per stream: ${fmtPct(((tidings?.ticks.meanCpuMs ?? Number.NaN) / DEFAULT_HEARTBEAT_MS) * 100)} of a core at the default 15 s interval) and held the event loop for at most ${fmtMs(tidings?.ticks.longestSliceMs ?? Number.NaN)} at once. Raise the limit (\`LimitNOFILE\`, \`ulimit -n\`) before adding processes for connections alone.`,
    `- **Memory per connection: about ${fmtKiB(perConnection)} of RSS per stream, plus about ${fmtMiB(Number.isFinite(manyBaseline) ? manyBaseline : (tidings?.baselineRss ?? Number.NaN))} per process** (${fmtKiB(tidings?.rssPerConnection ?? Number.NaN)} measured after a GC in one process, ${fmtKiB(manyPerStream)} at peak in the many-process run, which also holds the Redis client and ${fmtCount(many?.topics ?? Number.NaN)} topics). Kernel socket buffers come on top, outside RSS, while data is queued. So ${fmtCount(many?.connections ?? 100_000)} streams over ${many?.instances.length ?? 6} processes need about ${fmtGiB((many?.instances.length ?? 6) * (Number.isFinite(manyBaseline) ? manyBaseline : 0) + (many?.connections ?? 100_000) * perConnection)}.`,
    `- **When to add instances:** when streams reach the per-process figure above, or when deliveries approach half a core's worth. One core wrote about ${fmtCount(perCore)} deliveries per CPU-second in large batches (16 events per write, the lowest of the flat-cost counts) and about ${fmtCount(singleWrites)} when each delivery is a write of its own (the many-process run: one event per topic per second); keep each process under half of that so connects, heartbeats, GC and bursts have room. Node runs JavaScript on one core, so past one instance per core, instances add descriptors, not throughput.`,
    `- **When to move to a Redis Cluster:** Redis did the pub/sub fan-out to ${many?.instances.length ?? '—'} instances at ${fmtPct(many?.redisCpuPct ?? Number.NaN)} of a core for ${fmtCount(many ? many.topics / (many.roundMs / 1000) : Number.NaN)} events/s, about ${Number.isFinite(redisPerPublishMs) ? (redisPerPublishMs * 1000).toFixed(0) : '—'} µs of Redis CPU per event (stored, then published to every instance). One Redis core would run out near ${fmtCount(redisCapacity)} events/s at this instance count, and the cost grows with the instances subscribed to each topic. Move to a cluster (\`redisBroker\` with \`cluster\`, sharded pub/sub) when Redis CPU passes about half a core at peak, or when the history kept for resume no longer fits one node's memory; instances can be added without it until then.`,
  ];
  return lines.join('\n');
}

/** The results file of a scale run. */
export function scaleResultsFile(options: {
  results: ScaleResults;
  environment: string;
  kernel: string;
  command: string;
  quick: boolean;
  startedAt: Date;
  durationS: number;
  fdLimit: number;
  notes?: string | undefined;
}): string {
  const { results } = options;
  const outcomes = scaleOutcomes(results);
  const parts = [
    '# `pnpm bench --scale` results',
    '',
    `Generated by \`${options.command}\` on ${options.startedAt.toISOString()} (took ${Math.round(options.durationS)} s).${
      options.quick ? ' **Quick smoke run: tiny scale, the numbers mean nothing.**' : ''
    } The scale benchmarks of issue 19, apart from the rest of \`pnpm bench\` (whose figures are in [RESULTS.md](RESULTS.md)); see DESIGN.md §16 and [README.md](README.md#scale).`,
    '',
    options.environment,
    '',
    options.kernel,
    '',
    '## Targets',
    '',
    table(
      ['target', 'measured', ''],
      outcomes.map((o) => [o.target, o.measured, o.verdict]),
    ),
    '',
    '## Results',
  ];
  for (const section of [idleTable(results), flatTable(results), manyTable(results.many)]) {
    if (section) parts.push('', section);
  }
  parts.push('', sizingRules(results, options.fdLimit));
  if (results.errors.length > 0) {
    parts.push('', '## Errors', '');
    for (const e of results.errors) parts.push(`- ${e.part}: ${e.message.split('\n')[0]}`);
  }
  if (options.notes) parts.push('', options.notes.trim());
  return `${parts.join('\n')}\n`;
}
