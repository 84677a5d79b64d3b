import type { Quote } from '../shared/payload.ts';
import type { ClientShape, Endpoint, MetricsExported } from '../shared/protocol.ts';
import type { StreamGate } from './stream-gate.ts';

/** What every target process is started with. */
export interface TargetOptions {
  /** This instance's index (0 emits; the others only serve). */
  instance: number;
  /** The Redis URL, for targets that need one. */
  redisUrl?: string | undefined;
  /** A key prefix shared by the instances of one run (Redis). */
  keyPrefix?: string | undefined;
  /** The listen backlog, the same for every target. */
  backlog: number;
  /** Reports an emit that failed asynchronously. */
  onError(error: unknown): void;
}

/** One server under test, as the runner drives it. */
export interface BenchTarget {
  readonly endpoint: Endpoint;
  /** What one client opens. @default one connection to `endpoint`, one subscription */
  readonly client?: ClientShape | undefined;
  /** The symbols the emitter spreads its events over, round-robin (quote.symbol). @default [SYMBOL] */
  readonly topics?: readonly string[] | undefined;
  /** Subscriptions registered on the topics the emitter publishes to, right now (ready to receive). */
  subscribers(): number;
  /** Sends the events one callback produced, the way the library's documented API would. */
  publish(events: readonly Quote[]): void;
  /** Scenario H: how far its per-connection streams may run (the orchestrator moves the limit). */
  readonly gate?: StreamGate | undefined;
  /** Emits with validation and resolves when every emit has settled (scenario E; Tidings only). */
  emitAndWait?(events: readonly Quote[]): Promise<void>;
  /** A target with an OpenTelemetry SDK: what its metric reader has exported so far (shows that metrics were collected). */
  metricsExported?(): MetricsExported;
  close(): Promise<void>;
}

/** `publish` of a scenario H target: its events come from its per-connection streams, not from the emitter. */
export function noPublish(target: string): never {
  throw new Error(
    `@tidings/bench: target "${target}" serves streams per connection; it has nothing to publish`,
  );
}

/** A target module's default export. */
export type CreateTarget = (options: TargetOptions) => Promise<BenchTarget>;

/** The SSE response headers the hand-written servers send (what Tidings sends). */
export const SSE_HEADERS = {
  'content-type': 'text/event-stream; charset=utf-8',
  'cache-control': 'no-cache, no-transform',
  'x-accel-buffering': 'no',
  connection: 'keep-alive',
} as const;
