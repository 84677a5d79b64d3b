import { Child } from '../orchestrator/child.ts';
import { sleep } from '../orchestrator/scenarios/wait.ts';
import { bundleScaleServer } from './bundle.ts';
import type { ScaleReady, ScaleServerCommands, ScaleServerOptions, ScaleStats } from './protocol.ts';

let bundle: Promise<string> | undefined;

/** One scale server process. */
export type ScaleServer = Child<ScaleServerCommands>;

/**
 * Scale server processes of one kind, started together and disposed together; each runs the
 * bundled `server.ts` on plain node (see `bundleScaleServer`).
 */
export class ScaleServers implements AsyncDisposable {
  readonly children: readonly ScaleServer[];
  readonly ports: readonly number[];

  private constructor(children: ScaleServer[], ready: ScaleReady[]) {
    this.children = children;
    this.ports = ready.flatMap((r) => (r.endpoint ? [r.endpoint.port] : []));
  }

  static async start(
    name: string,
    count: number,
    options: ScaleServerOptions,
    cpuProfDir?: string | undefined,
  ): Promise<ScaleServers> {
    bundle ??= bundleScaleServer();
    const script = await bundle;
    const started = await Promise.allSettled(
      Array.from({ length: count }, (_, i) =>
        Child.spawn<ScaleServerCommands, ScaleReady>({
          name: count > 1 ? `${name}#${i}` : name,
          script,
          bundled: true,
          args: [JSON.stringify(options)],
          exposeGc: true,
          cpuProfDir,
        }),
      ),
    );
    const children = started.flatMap((s) => (s.status === 'fulfilled' ? [s.value.child] : []));
    const failure = started.find((s) => s.status === 'rejected');
    if (failure) {
      await Promise.all(children.map((child) => child.kill()));
      throw failure.reason;
    }
    return new ScaleServers(
      children,
      started.flatMap((s) => (s.status === 'fulfilled' ? [s.value.ready] : [])),
    );
  }

  /** Each process's stats (after a full GC with `gc`). */
  stats(gc = false): Promise<ScaleStats[]> {
    return Promise.all(this.children.map((child) => child.request('stats', { gc }, 60_000)));
  }

  async resetWindow(): Promise<void> {
    await Promise.all(this.children.map((child) => child.request('resetWindow', null)));
  }

  /** Resolves once exactly `count` streams are registered over the processes; throws after `timeoutMs`. */
  async waitForSubscribers(count: number, timeoutMs = 60_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    let seen = -1;
    while (Date.now() < deadline) {
      seen = (await this.stats()).reduce((n, s) => n + s.subscribers, 0);
      if (seen === count) return;
      await sleep(100);
    }
    throw new Error(
      `bench: the scale servers have ${seen} streams, expected ${count} (after ${timeoutMs} ms)`,
    );
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await Promise.all(this.children.map((child) => child.kill()));
  }
}
