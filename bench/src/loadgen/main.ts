import { sendEvent, serveIpc } from '../shared/ipc-child.ts';
import { monotonicMs } from '../shared/payload.ts';
import type { ConnectArgs, ConnectResult, LoadgenCommands, Snapshot } from '../shared/protocol.ts';
import { ClientGroup, connectionPlan } from './client-group.ts';
import type { TimestampSampler } from './event-scanner.ts';
import { LatencyRecorder } from './latency-recorder.ts';
import { SseClient } from './sse-client.ts';

// The load generator: a separate process holding every client socket, driven by src/main.ts.
// A client is one connection, or several (scenario G: one per topic) counted together.

let clients: ClientGroup<SseClient>[] = [];
let unexpectedCloses = 0;
const recorder = new LatencyRecorder();
let progressTimer: NodeJS.Timeout | undefined;

const sampler: TimestampSampler = {
  active: false,
  now: monotonicMs,
  record(latencyMs) {
    recorder.record(latencyMs);
  },
};

function delivered(): number {
  let total = 0;
  for (const client of clients) total += client.delivered;
  return total;
}

function cpuMs(): number {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) / 1000;
}

// Source addresses given on the command line (`127.0.0.10,127.0.0.11`: the scale run gives each
// load generator its own), round-robin; otherwise several loopback addresses once one address
// could run short of ephemeral ports.
const SOURCES = (process.argv[2] ?? '').split(',').filter((address) => address !== '');

function sourceAddress(index: number, count: number): string | undefined {
  if (SOURCES.length > 0) return SOURCES[index % SOURCES.length];
  return count > 16_000 ? `127.0.0.${1 + (index % 8)}` : undefined;
}

/** A client whose connections are being opened. */
interface Opening {
  connections: SseClient[];
  expected: number;
  settled: number;
  failed: boolean;
}

function connect(args: ConnectArgs): Promise<ConnectResult> {
  const started = monotonicMs();
  const errors: string[] = [];
  const hooks = {
    sampler,
    onUnexpectedClose: () => {
      unexpectedCloses++;
    },
  };
  const plan = connectionPlan(args.clients, args.count);
  const opening: Opening[] = Array.from({ length: args.count }, (_, i) => ({
    connections: [],
    expected: args.clients[i % args.clients.length]!.length,
    settled: 0,
    failed: false,
  }));
  let next = 0;
  let inflight = 0;
  let done = 0;
  let connected = 0;
  let failed = 0;
  return new Promise((resolve) => {
    const finish = (): void =>
      resolve({ connected, failed, elapsedMs: monotonicMs() - started, errors: errors.slice(0, 5) });
    if (plan.length === 0) {
      finish();
      return;
    }
    // A client joins the pool once all its connections have their headers; if one failed, the
    // others are closed and the client counts as failed.
    const settle = (client: Opening): void => {
      if (++client.settled < client.expected) return;
      if (client.failed) {
        failed++;
        for (const connection of client.connections) connection.close();
      } else {
        clients.push(new ClientGroup(client.connections));
        connected++;
      }
    };
    const launch = (): void => {
      while (inflight < args.concurrency && next < plan.length) {
        const index = next++;
        const { client: owner, endpoint } = plan[index]!;
        const client = opening[owner]!;
        const connection = new SseClient(hooks);
        client.connections.push(connection);
        inflight++;
        connection
          .connect(endpoint, args.timeoutMs, sourceAddress(index, plan.length))
          .then(
            () => settle(client),
            (error: Error) => {
              client.failed = true;
              if (errors.length < 20) errors.push(error.message);
              settle(client);
            },
          )
          .finally(() => {
            inflight--;
            if (++done === plan.length) finish();
            else launch();
          });
      }
    };
    launch();
  });
}

function snapshot(): Snapshot {
  let min = Number.POSITIVE_INFINITY;
  let max = 0;
  let total = 0;
  let open = 0;
  for (const client of clients) {
    const n = client.delivered;
    total += n;
    if (n < min) min = n;
    if (n > max) max = n;
    if (client.isOpen) open++;
  }
  return {
    delivered: total,
    atMs: monotonicMs(),
    cpuMs: cpuMs(),
    open,
    minPerClient: clients.length === 0 ? 0 : min,
    maxPerClient: max,
    unexpectedCloses,
  };
}

serveIpc<LoadgenCommands>({
  connect,
  progress: ({ intervalMs }) => {
    if (progressTimer) clearInterval(progressTimer);
    progressTimer = undefined;
    if (intervalMs > 0) {
      progressTimer = setInterval(() => sendEvent('progress', delivered()), intervalMs);
    }
    return null;
  },
  snapshot,
  latency: ({ reset }) => {
    const report = recorder.report();
    if (reset) {
      recorder.reset();
      sampler.active = true;
    }
    return report;
  },
  sampleOff: () => {
    sampler.active = false;
    return null;
  },
  disconnect: () => {
    const closed = clients.length;
    for (const client of clients) client.close();
    clients = [];
    unexpectedCloses = 0;
    sampler.active = false;
    recorder.reset();
    return { closed };
  },
});

sendEvent('ready', { pid: process.pid });
