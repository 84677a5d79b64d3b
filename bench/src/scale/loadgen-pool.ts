import { fileURLToPath } from 'node:url';
import { Child } from '../orchestrator/child.ts';
import type { Loadgen } from '../orchestrator/target-group.ts';
import type { Endpoint, LatencyReport, LoadgenCommands, Snapshot } from '../shared/protocol.ts';
import { combineLatency, combineSnapshots } from './combine.ts';
import { rotate, shareOut, sourceAddresses } from './plan.ts';

const LOADGEN = fileURLToPath(new URL('../loadgen/main.ts', import.meta.url));

/**
 * Several load generator processes driven as one: a process holds at most ~19,500 sockets here
 * (open-files limit 20,000), and each binds its connections to loopback source addresses of its
 * own (`sourceAddresses`), so ephemeral ports never run out and no two processes share an address.
 */
export class LoadgenPool implements AsyncDisposable {
  readonly loadgens: readonly Loadgen[];
  readonly sources: readonly (readonly string[])[];
  /** Clients each load generator holds now. */
  private readonly held: number[];

  private constructor(loadgens: Loadgen[], sources: string[][]) {
    this.loadgens = loadgens;
    this.sources = sources;
    this.held = loadgens.map(() => 0);
  }

  /** Starts `processes` load generators, sized for `maxConnections` connections between them. */
  static async start(processes: number, maxConnections: number): Promise<LoadgenPool> {
    const sources = sourceAddresses(shareOut(maxConnections, processes));
    const started = await Promise.allSettled(
      sources.map((list, i) =>
        Child.spawn<LoadgenCommands, { pid: number }>({
          name: `loadgen#${i}`,
          script: LOADGEN,
          args: [list.join(',')],
        }),
      ),
    );
    const loadgens = started.flatMap((s) => (s.status === 'fulfilled' ? [s.value.child] : []));
    const failure = started.find((s) => s.status === 'rejected');
    if (failure) {
      await Promise.all(loadgens.map((child) => child.kill()));
      throw failure.reason;
    }
    return new LoadgenPool(loadgens, sources);
  }

  /** The load generators that hold clients. */
  private busy(): Loadgen[] {
    return this.loadgens.filter((_, i) => this.held[i]! > 0);
  }

  /**
   * Opens `count` clients spread evenly over the load generators, client `g` (counted over the
   * whole pool) opening `shapes[g % shapes.length]`; throws unless every one got its headers.
   * Resolves to the time until the last load generator was done.
   */
  async connect(shapes: readonly Endpoint[][], count: number, concurrency: number): Promise<number> {
    const shares = shareOut(count, this.loadgens.length);
    const started = performance.now();
    let offset = 0;
    const results = await Promise.all(
      this.loadgens.map((loadgen, i) => {
        const share = shares[i]!;
        const clients = rotate(shapes, offset);
        offset += share;
        if (share === 0) return { connected: 0, failed: 0, errors: [] as string[] };
        return loadgen.request(
          'connect',
          { clients, count: share, concurrency, timeoutMs: 30_000 },
          Math.max(120_000, share * 20),
        );
      }),
    );
    const elapsedMs = performance.now() - started;
    results.forEach((r, i) => {
      this.held[i]! += r.connected;
    });
    const failed = results.reduce((n, r) => n + r.failed, 0);
    if (failed > 0) {
      const errors = results.flatMap((r) => r.errors).slice(0, 5);
      throw new Error(`bench: ${failed} of ${count} scale clients failed to connect: ${errors.join('; ')}`);
    }
    return elapsedMs;
  }

  async snapshot(): Promise<Snapshot> {
    return combineSnapshots(await Promise.all(this.busy().map((l) => l.request('snapshot', null))));
  }

  /** Load generator CPU, ms, summed over every process (clients or not). */
  async cpuMs(): Promise<number> {
    const all = await Promise.all(this.loadgens.map((l) => l.request('snapshot', null)));
    return all.reduce((sum, s) => sum + s.cpuMs, 0);
  }

  /** Latency samples so far (see `combineLatency`); `reset` starts a fresh window and turns sampling on. */
  async latency(reset: boolean): Promise<LatencyReport> {
    return combineLatency(await Promise.all(this.busy().map((l) => l.request('latency', { reset }))));
  }

  async sampleOff(): Promise<void> {
    await Promise.all(this.loadgens.map((l) => l.request('sampleOff', null)));
  }

  /**
   * Calls `listener` with the events delivered over the pool each time a load generator reports
   * progress (every `intervalMs`); returns a function that stops the reports.
   */
  async onProgress(intervalMs: number, listener: (delivered: number) => void): Promise<() => Promise<void>> {
    const latest = this.loadgens.map(() => 0);
    const offs = this.loadgens.map((loadgen, i) =>
      loadgen.on('progress', (delivered) => {
        latest[i] = delivered as number;
        listener(latest.reduce((a, b) => a + b, 0));
      }),
    );
    await Promise.all(this.loadgens.map((l) => l.request('progress', { intervalMs })));
    return async () => {
      for (const off of offs) off();
      await Promise.all(this.loadgens.map((l) => l.request('progress', { intervalMs: 0 }).catch(() => null)));
    };
  }

  /** Closes every client (with a TCP reset, so no port lingers). */
  async disconnect(): Promise<void> {
    await Promise.all(this.loadgens.map((l) => l.request('disconnect', null)));
    this.held.fill(0);
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await Promise.all(this.loadgens.map((l) => l.kill()));
  }
}
