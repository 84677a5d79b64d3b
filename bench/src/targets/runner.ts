import { sendEvent, serveIpc } from '../shared/ipc-child.ts';
import { makeQuote, monotonicMs, SYMBOL } from '../shared/payload.ts';
import { processStats } from '../shared/process-stats.ts';
import type { EmitStyle, ReadyInfo, TargetCommands } from '../shared/protocol.ts';
import { bareEmitLoop } from './bare-loop.ts';
import { isTargetName, TARGETS } from './registry.ts';
import type { BenchTarget, TargetOptions } from './target.ts';

// A target process: starts one server under test, then emits events when the orchestrator says so.

const [name = '', optionsJson = '{}'] = process.argv.slice(2);
if (!isTargetName(name)) throw new Error(`@tidings/bench: unknown target "${name}"`);
const options = JSON.parse(optionsJson) as Omit<TargetOptions, 'onError'>;

let errors = 0;
let firstError: string | null = null;
function onError(error: unknown): void {
  errors++;
  firstError ??= error instanceof Error ? (error.stack ?? error.message) : String(error);
}

const create = await TARGETS[name].load();
const target: BenchTarget = await create({ ...options, onError });

const topics = target.topics ?? [SYMBOL];
let seq = 0;
let emitted = 0;
let limit = 0;
let running = false;
let parked = false;
let parkedAt = 0;
let waitMs = 0;
let perTurn = 16;
let style: EmitStyle = 'batch';
let rateTimer: NodeJS.Timeout | undefined;

function publishSafely(events: Parameters<BenchTarget['publish']>[0]): void {
  try {
    target.publish(events);
  } catch (error) {
    onError(error);
  }
}

// The next event: its topic is the next one round-robin (always SYMBOL but for scenario G's targets).
function nextQuote(): ReturnType<typeof makeQuote> {
  const n = seq++;
  return makeQuote(n, topics[n % topics.length]);
}

function publishOne(): void {
  publishSafely([nextQuote()]);
}

// The next turn starts one loop iteration later, so whatever a target defers to the next
// iteration (Tidings flushes its write coalescing with setImmediate) runs between turns:
// every target writes one turn's events together, and none gets to merge two turns.
let turnPending = false;
function scheduleTurn(): void {
  if (turnPending) return;
  turnPending = true;
  setImmediate(() => setImmediate(turn));
}

// One loop turn: up to `perTurn` events, never more than the credit the load generator granted.
function turn(): void {
  turnPending = false;
  if (!running) return;
  const n = Math.min(perTurn, limit - emitted);
  if (n <= 0) {
    parked = true;
    parkedAt = monotonicMs();
    return;
  }
  emitted += n;
  if (style === 'batch') {
    const events = [];
    for (let i = 0; i < n; i++) events.push(nextQuote());
    publishSafely(events);
  } else {
    // Each event from its own callback, as events arriving one by one would be.
    for (let i = 0; i < n; i++) setImmediate(publishOne);
  }
  scheduleTurn();
}

function stopEmitting(): void {
  running = false;
  if (parked) waitMs += monotonicMs() - parkedAt;
  parked = false;
  if (rateTimer) clearInterval(rateTimer);
  rateTimer = undefined;
}

serveIpc<TargetCommands>({
  flow: (args) => {
    stopEmitting();
    perTurn = args.perTurn;
    style = args.style;
    limit = emitted + args.window;
    running = true;
    scheduleTurn();
    return { emitted: limit - args.window };
  },
  credit: ({ limit: granted }) => {
    if (granted > limit) limit = granted;
    if (parked && running) {
      parked = false;
      waitMs += monotonicMs() - parkedAt;
      scheduleTurn();
    }
    return null;
  },
  rate: ({ perSecond }) => {
    stopEmitting();
    const start = monotonicMs();
    const base = emitted;
    rateTimer = setInterval(
      () => {
        const due = base + Math.floor(((monotonicMs() - start) * perSecond) / 1000);
        while (emitted < due) {
          emitted++;
          publishOne();
        }
      },
      Math.max(1, Math.floor(500 / perSecond)),
    );
    return { emitted: base };
  },
  stop: () => {
    stopEmitting();
    return { emitted };
  },
  stats: ({ gc }) => {
    return {
      subscribers: target.subscribers(),
      ...processStats(gc),
      waitMs: waitMs + (parked ? monotonicMs() - parkedAt : 0),
      errors,
      firstError,
      metrics: target.metricsExported?.() ?? null,
    };
  },
  emitCost: async ({ roundMs, rounds }) => {
    const emitAndWait = target.emitAndWait?.bind(target);
    if (!emitAndWait) throw new Error(`@tidings/bench: target "${name}" has no emitAndWait (scenario E)`);
    const result = { bare: [] as number[], emit: [] as number[] };
    // A discarded warm-up round of each, so neither side is measured before the JIT has done its work.
    bareEmitLoop(roundMs);
    await timedEmitLoop(emitAndWait, roundMs);
    for (let round = 0; round < rounds; round++) {
      result.bare.push(bareEmitLoop(roundMs));
      result.emit.push(await timedEmitLoop(emitAndWait, roundMs));
    }
    return result;
  },
  gate: ({ limit }) => {
    if (!target.gate) throw new Error(`@tidings/bench: target "${name}" has no stream gate (scenario H)`);
    target.gate.set(limit ?? Number.POSITIVE_INFINITY);
    return null;
  },
});

async function timedEmitLoop(
  emitAndWait: (events: ReturnType<typeof makeQuote>[]) => Promise<void>,
  roundMs: number,
): Promise<number> {
  const started = monotonicMs();
  let count = 0;
  while (monotonicMs() - started < roundMs) {
    const events = [];
    for (let i = 0; i < 256; i++) events.push(nextQuote());
    await emitAndWait(events);
    count += events.length;
    // Let the loop turn over, so whatever the hub defers to the next turn runs inside the timing.
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
  return count / ((monotonicMs() - started) / 1000);
}

const ready: ReadyInfo = {
  endpoint: target.endpoint,
  client: target.client ?? { paths: [target.endpoint.path], subscriptions: 1 },
  pid: process.pid,
};
sendEvent('ready', ready);
