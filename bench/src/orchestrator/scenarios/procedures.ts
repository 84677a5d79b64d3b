import type { Snapshot } from '../../shared/protocol.ts';
import type { ProceduresConfig } from '../config.ts';
import { cpuMsOf, rssOf } from '../proc-stat.ts';
import { median, type ProcedureResult, type ProcedureThroughput } from '../results.ts';
import type { Loadgen, TargetGroup } from '../target-group.ts';
import { connectClients } from './connect.ts';
import { TARGET_TIMEOUT_MS } from './flow.ts';
import { sleep, waitUntil } from './wait.ts';

/** How long every open stream may take to deliver the events the gate lets it produce. */
const QUOTA_TIMEOUT_MS = 30_000;
/** How long the target may take to end every generator once its clients are gone. */
const END_TIMEOUT_MS = 15_000;

/**
 * Events of the stream that received fewest since the gate opened, as a share of the mean: every
 * stream had exactly `primed` events when it opened. NaN when nothing was delivered since.
 */
export function slowestShare(
  snapshot: Pick<Snapshot, 'delivered' | 'minPerClient'>,
  streams: number,
  primed: number,
): number {
  const mean = (snapshot.delivered - primed * streams) / streams;
  if (!(mean > 0)) return Number.NaN;
  return Math.max(0, snapshot.minPerClient - primed) / mean;
}

/** Bytes per stream of a growth from `before` to `after`. */
export function perStream(after: number, before: number, streams: number): number {
  return (after - before) / streams;
}

/** The slowest of the target's answers during the windows, in ms; null when one did not come within its window. */
export function slowestAnswer(answersMs: readonly number[]): number | null {
  let slowest = 0;
  for (const ms of answersMs) {
    if (!Number.isFinite(ms)) return null;
    if (ms > slowest) slowest = ms;
  }
  return slowest;
}

async function setGate(group: TargetGroup, limit: number | null): Promise<void> {
  await group.emitter.request('gate', { limit }, TARGET_TIMEOUT_MS);
}

/** Waits until every open stream has received `quota` events; throws if one has not in time. */
async function waitQuota(loadgen: Loadgen, quota: number, what: string): Promise<void> {
  let last: Snapshot | undefined;
  const done = await waitUntil(QUOTA_TIMEOUT_MS, async () => {
    last = await loadgen.request('snapshot', null);
    return last.minPerClient >= quota;
  });
  if (!done) {
    throw new Error(
      `bench: ${what}: a stream received ${last?.minPerClient ?? 0} of its first ${quota} events within ${QUOTA_TIMEOUT_MS} ms`,
    );
  }
}

/** What closing every client showed: how long the target took to end every generator, or how many still ran. */
interface Closed {
  /** ms from the clients' leaving until the target ran no generator; null when it still ran some at the deadline. */
  endedMs: number | null;
  /** Generators still running at the deadline (or what the target could not say). */
  running: number | string;
}

/**
 * Closes every client and waits until the target has ended every generator; a target still too
 * busy to answer is asked again until `END_TIMEOUT_MS` has passed.
 */
async function closeStreams(group: TargetGroup, loadgen: Loadgen): Promise<Closed> {
  await loadgen.request('disconnect', null);
  const left = performance.now();
  let running: number | string = 'unknown';
  const ended = await waitUntil(END_TIMEOUT_MS, async () => {
    try {
      running = (await group.stats(false, TARGET_TIMEOUT_MS)).subscribers;
    } catch {
      running = 'unknown: it did not answer';
    }
    return running === 0;
  });
  return { endedMs: ended ? performance.now() - left : null, running };
}

/** Runs one step of the scenario; a failure names the step. */
async function step<TValue>(name: string, run: () => Promise<TValue>): Promise<TValue> {
  try {
    return await run();
  } catch (error) {
    throw new Error(`${name}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
}

/** Asks the target for its stats and resolves to how long the answer took; Infinity when none came within `timeoutMs`. */
async function answerTime(group: TargetGroup, timeoutMs: number): Promise<number> {
  const asked = performance.now();
  try {
    await group.emitter.request('stats', { gc: false }, timeoutMs);
    return performance.now() - asked;
  } catch {
    return Number.POSITIVE_INFINITY;
  }
}

/**
 * H, in a fresh target process whose every connection runs its own generator (a Tidings handler,
 * a tRPC subscription, or the raw server's write loop), each producing tokens as fast as its
 * connection takes them, up to the process's gate (see `StreamGate`):
 *
 * 1. Warm-up: `warmupStreams` streams each produce `warmupEvents` events, then close.
 * 2. Memory, while every stream waits: a baseline RSS after a full GC; then `streams` streams
 *    open, each produces its first `primed` events and waits at the gate (as a handler waits for
 *    its upstream); once the load generator has all of them and `settleMs` has passed, RSS after
 *    another full GC. The growth ÷ `streams` is the figure. Then those streams close.
 * 3. Throughput at each of `throughputStreams`, in order (see `measureThroughput`).
 */
export async function runProcedures(
  group: TargetGroup,
  loadgen: Loadgen,
  config: ProceduresConfig,
  concurrency: number,
): Promise<ProcedureResult> {
  const { streams, primed } = config;
  const pid = group.pids[0]!;
  try {
    await step('warm-up', async () => {
      await setGate(group, config.warmupEvents);
      await connectClients(group, loadgen, config.warmupStreams, concurrency);
      await waitQuota(loadgen, config.warmupEvents, group.info.name);
      await setGate(group, primed);
      await closeEnded(group, loadgen);
      await sleep(config.settleMs);
    });

    const { baseline, baselineRss, waiting } = await step('memory', async () => {
      const baseline = await group.stats(true);
      const baselineRss = rssOf(pid);
      await connectClients(group, loadgen, streams, concurrency);
      await waitQuota(loadgen, primed, group.info.name);
      await sleep(config.settleMs);
      const waiting = await group.stats(true);
      await closeEnded(group, loadgen);
      return { baseline, baselineRss, waiting };
    });

    const points: ProcedureThroughput[] = [];
    for (const count of config.throughputStreams) {
      points.push(
        await step(`throughput at ${count} streams`, () =>
          measureThroughput(group, loadgen, { config, streams: count, concurrency, baselineRss }),
        ),
      );
    }
    return {
      kind: 'procedure',
      streams,
      primed,
      rssPerStream: perStream(waiting.rssBytes, baseline.rssBytes, streams),
      heapPerStream: perStream(waiting.heapUsedBytes, baseline.heapUsedBytes, streams),
      baselineRss: baseline.rssBytes,
      points,
    };
  } finally {
    // Whatever failed, no client outlives the scenario (the next one counts from zero).
    await loadgen.request('disconnect', null);
  }
}

/** Closes every client; throws unless the target ended every generator in time (between steps). */
async function closeEnded(group: TargetGroup, loadgen: Loadgen): Promise<void> {
  const closed = await closeStreams(group, loadgen);
  if (closed.endedMs === null) {
    throw new Error(`${closed.running} generators still ran ${END_TIMEOUT_MS} ms after the clients left`);
  }
}

/**
 * Throughput at `streams` concurrent streams: they open and each produces its first `primed`
 * events; then the gate opens, every stream is released at once, and after `warmupMs`, `repeats`
 * windows of `windowMs` count the events delivered over all streams. Nothing here needs the
 * target to answer: a server whose streams keep its event loop busy is measured from outside (CPU
 * time and RSS from /proc), and the slowest answer to a request sent at the start of each window
 * is reported. Then every client closes, and every generator should end (the target counts the
 * running ones): how long that took is reported, or how many still ran `END_TIMEOUT_MS` later.
 */
async function measureThroughput(
  group: TargetGroup,
  loadgen: Loadgen,
  run: { config: ProceduresConfig; streams: number; concurrency: number; baselineRss: number },
): Promise<ProcedureThroughput> {
  const { config, streams } = run;
  const pid = group.pids[0]!;
  await setGate(group, config.primed);
  await connectClients(group, loadgen, streams, run.concurrency);
  await waitQuota(loadgen, config.primed, group.info.name);
  await setGate(group, null);
  await sleep(config.warmupMs);
  const rates: number[] = [];
  const answers: number[] = [];
  let previous: Snapshot = await loadgen.request('snapshot', null);
  const first = previous;
  const cpuStart = cpuMsOf(pid);
  for (let i = 0; i < config.repeats; i++) {
    const answer = answerTime(group, config.windowMs);
    await sleep(config.windowMs);
    const now = await loadgen.request('snapshot', null);
    rates.push((now.delivered - previous.delivered) / ((now.atMs - previous.atMs) / 1000));
    previous = now;
    answers.push(await answer);
  }
  const cpuMs = cpuMsOf(pid) - cpuStart;
  const streamingRss = rssOf(pid);
  const elapsed = previous.atMs - first.atMs;

  const closed = await closeStreams(group, loadgen);
  return {
    streams,
    rates,
    median: median(rates),
    serverCpuPct: (cpuMs / elapsed) * 100,
    perCpuSecond: (previous.delivered - first.delivered) / (cpuMs / 1000),
    loadgenCpuPct: ((previous.cpuMs - first.cpuMs) / elapsed) * 100,
    slowestShare: slowestShare(previous, streams, config.primed),
    closedStreams: previous.unexpectedCloses,
    rssPerStreamStreaming: perStream(streamingRss, run.baselineRss, streams),
    slowestAnswerMs: slowestAnswer(answers),
    endedMs: closed.endedMs,
    runningAfterEnd: closed.endedMs === null ? String(closed.running) : null,
  };
}
