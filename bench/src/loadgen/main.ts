import { sendEvent, serveIpc } from '../shared/ipc-child.ts';
import { monotonicMs } from '../shared/payload.ts';
import type { ConnectArgs, ConnectResult, LoadgenCommands, Snapshot } from '../shared/protocol.ts';
import type { TimestampSampler } from './event-scanner.ts';
import { LatencyRecorder } from './latency-recorder.ts';
import { SseClient } from './sse-client.ts';

// The load generator: a separate process holding every client socket, driven by src/main.ts.

let clients: SseClient[] = [];
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

// Several loopback source addresses once one address could run short of ephemeral ports.
function sourceAddress(index: number, count: number): string | undefined {
  return count > 16_000 ? `127.0.0.${1 + (index % 8)}` : undefined;
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
  let next = 0;
  let inflight = 0;
  let connected = 0;
  let failed = 0;
  return new Promise((resolve) => {
    const finish = (): void =>
      resolve({ connected, failed, elapsedMs: monotonicMs() - started, errors: errors.slice(0, 5) });
    if (args.count === 0) {
      finish();
      return;
    }
    const launch = (): void => {
      while (inflight < args.concurrency && next < args.count) {
        const index = next++;
        const endpoint = args.endpoints[index % args.endpoints.length]!;
        const client = new SseClient(hooks);
        inflight++;
        client
          .connect(endpoint, args.timeoutMs, sourceAddress(index, args.count))
          .then(
            () => {
              clients.push(client);
              connected++;
            },
            (error: Error) => {
              failed++;
              if (errors.length < 20) errors.push(error.message);
            },
          )
          .finally(() => {
            inflight--;
            if (connected + failed === args.count) finish();
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
