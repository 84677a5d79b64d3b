import { fileURLToPath } from 'node:url';
import type {
  Endpoint,
  LoadgenCommands,
  ReadyInfo,
  TargetCommands,
  TargetStats,
} from '../shared/protocol.ts';
import type { TargetInfo } from '../targets/registry.ts';
import { Child } from './child.ts';

const RUNNER = fileURLToPath(new URL('../targets/runner.ts', import.meta.url));
const LOADGEN = fileURLToPath(new URL('../loadgen/main.ts', import.meta.url));

/** A load generator process. */
export type Loadgen = Child<LoadgenCommands>;

/** Starts the load generator (a separate process, so it never shares a thread with a server). */
export async function startLoadgen(): Promise<Loadgen> {
  const { child } = await Child.spawn<LoadgenCommands, { pid: number }>({ name: 'loadgen', script: LOADGEN });
  return child;
}

/** How to start a target's processes. */
export interface GroupOptions {
  backlog: number;
  redisUrl?: string | undefined;
  /** Write CPU profiles of the target processes into this folder. */
  cpuProfDir?: string | undefined;
}

/** The server processes of one target (two for the Redis target); instance 0 emits. */
export class TargetGroup implements AsyncDisposable {
  readonly info: TargetInfo;
  readonly children: Child<TargetCommands>[];
  readonly endpoints: Endpoint[];
  /** What a client opens, per instance: one connection to each endpoint of the list. */
  readonly clientEndpoints: Endpoint[][];
  /** Subscriptions one client holds (the target's subscriber count per client). */
  readonly subscriptionsPerClient: number;
  /** The process id of each instance (for what the orchestrator reads from /proc). */
  readonly pids: number[];

  private constructor(info: TargetInfo, children: Child<TargetCommands>[], ready: ReadyInfo[]) {
    this.info = info;
    this.children = children;
    this.endpoints = ready.map((r) => r.endpoint);
    this.clientEndpoints = ready.map((r) => r.client.paths.map((path) => ({ port: r.endpoint.port, path })));
    this.subscriptionsPerClient = ready[0]?.client.subscriptions ?? 1;
    this.pids = ready.map((r) => r.pid);
  }

  /** Connections one client opens. */
  get connectionsPerClient(): number {
    return this.clientEndpoints[0]?.length ?? 1;
  }

  static async start(info: TargetInfo, options: GroupOptions): Promise<TargetGroup> {
    const keyPrefix = `bench:${process.pid}:${Date.now()}:`;
    const started = await Promise.allSettled(
      Array.from({ length: info.instances }, (_, instance) =>
        Child.spawn<TargetCommands, ReadyInfo>({
          name: info.instances > 1 ? `${info.name}#${instance}` : info.name,
          script: RUNNER,
          args: [
            info.name,
            JSON.stringify({
              instance,
              backlog: options.backlog,
              // Only the Redis target gets the URL: the others must never pick a Redis broker up.
              redisUrl: info.needsRedis ? options.redisUrl : undefined,
              keyPrefix,
            }),
          ],
          exposeGc: true,
          cpuProfDir: options.cpuProfDir,
        }),
      ),
    );
    const children = started.flatMap((s) => (s.status === 'fulfilled' ? [s.value.child] : []));
    const failure = started.find((s) => s.status === 'rejected');
    if (failure) {
      await Promise.all(children.map((child) => child.kill()));
      throw failure.reason;
    }
    const ready = started.flatMap((s) => (s.status === 'fulfilled' ? [s.value.ready] : []));
    return new TargetGroup(info, children, ready);
  }

  /** The instance that emits. */
  get emitter(): Child<TargetCommands> {
    return this.children[0]!;
  }

  /** Stats summed over the instances. */
  async stats(gc = false, timeoutMs = 60_000): Promise<TargetStats> {
    const all = await Promise.all(this.children.map((child) => child.request('stats', { gc }, timeoutMs)));
    return all.reduce((sum, s) => ({
      subscribers: sum.subscribers + s.subscribers,
      rssBytes: sum.rssBytes + s.rssBytes,
      heapUsedBytes: sum.heapUsedBytes + s.heapUsedBytes,
      cpuMs: sum.cpuMs + s.cpuMs,
      waitMs: sum.waitMs + s.waitMs,
      errors: sum.errors + s.errors,
      firstError: sum.firstError ?? s.firstError,
      metrics:
        sum.metrics && s.metrics
          ? {
              exports: sum.metrics.exports + s.metrics.exports,
              dataPoints: sum.metrics.dataPoints + s.metrics.dataPoints,
            }
          : (sum.metrics ?? s.metrics),
    }));
  }

  /** Resolves once exactly `count` subscribers are registered across the instances. */
  async waitForSubscribers(count: number, timeoutMs = 30_000, requestTimeoutMs = 60_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    let seen = -1;
    while (Date.now() < deadline) {
      seen = (await this.stats(false, requestTimeoutMs)).subscribers;
      if (seen === count) return;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    throw new Error(
      `bench: ${this.info.name} has ${seen} subscribers, expected ${count} (after ${timeoutMs} ms)`,
    );
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await Promise.all(this.children.map((child) => child.kill()));
  }
}
