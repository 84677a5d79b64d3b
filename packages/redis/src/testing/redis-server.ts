import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { createConnection, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A `redis-server` child process started for tests, benchmarks or demos. */
export interface RedisServerHandle extends AsyncDisposable {
  /** `redis://127.0.0.1:<port>`. */
  readonly url: string;
  /** The TCP port, kept across `restart()`. */
  readonly port: number;
  /** True while the process runs. */
  readonly running: boolean;
  /** Shuts Redis down gracefully (SIGTERM) and waits for the process to exit. */
  stop(): Promise<void>;
  /** Kills Redis (SIGKILL), as a crash would, and waits for the process to exit. */
  kill(): Promise<void>;
  /** Kills Redis if it runs, then starts an empty one on the same port and waits until it answers PING. */
  restart(): Promise<void>;
}

/** Options of `startRedisServer`. */
export interface StartRedisServerOptions {
  /**
   * The port to listen on.
   * @default a free port chosen by the OS
   */
  port?: number | undefined;
  /**
   * The `redis-server` binary.
   * @default 'redis-server' (from PATH)
   */
  binary?: string | undefined;
  /**
   * `'aof'` turns on the append-only file (in a temporary directory kept across `restart()` and
   * removed on dispose), so a killed Redis comes back with every write it acknowledged.
   * @default 'none'
   */
  persistence?: 'none' | 'aof' | undefined;
  /**
   * Extra `redis-server` arguments, such as `['--maxmemory', '10mb']`.
   * @default []
   */
  args?: readonly string[] | undefined;
  /**
   * How long to wait for Redis to answer PING.
   * @default 15_000
   */
  startTimeoutMs?: number | undefined;
}

const PREFIX = '@tidings/redis/testing';
const live = new Set<ChildProcess>();
let exitHookInstalled = false;

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  // A test runner that dies must not leave Redis servers behind.
  process.once('exit', () => {
    for (const child of live) child.kill('SIGKILL');
  });
}

/** A TCP port on 127.0.0.1 that is free right now. */
export async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  server.close();
  await once(server, 'close');
  if (address === null || typeof address === 'string')
    throw new Error(`${PREFIX}: could not pick a free port`);
  return address.port;
}

async function ping(port: number, timeoutMs: number): Promise<void> {
  const socket = createConnection({ port, host: '127.0.0.1' });
  socket.setTimeout(timeoutMs);
  try {
    await once(socket, 'connect');
    socket.write('PING\r\n');
    let reply = '';
    while (!reply.includes('\r\n')) {
      const [chunk] = (await once(socket, 'data')) as [Buffer];
      reply += chunk.toString('latin1');
    }
    if (!reply.startsWith('+PONG')) throw new Error(`${PREFIX}: PING answered ${JSON.stringify(reply)}`);
  } finally {
    socket.destroy();
  }
}

function spawnRedis(binary: string, port: number, dir: string, args: readonly string[]): ChildProcess {
  return spawn(
    binary,
    [
      '--port',
      String(port),
      '--bind',
      '127.0.0.1',
      '--save',
      '',
      '--appendonly',
      'no',
      '--daemonize',
      'no',
      '--dir',
      dir,
      '--loglevel',
      'notice',
      ...args,
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
}

/** Waits until the child logs that it accepts connections, or fails with its output. */
async function waitUntilReady(child: ChildProcess, binary: string, timeoutMs: number): Promise<void> {
  let output = '';
  let resolve!: () => void;
  let reject!: (error: Error) => void;
  const promise = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  const onData = (chunk: Buffer): void => {
    output = (output + chunk.toString('utf8')).slice(-4000);
    if (output.includes('Ready to accept connections')) resolve();
  };
  const onError = (error: NodeJS.ErrnoException): void => {
    reject(
      error.code === 'ENOENT'
        ? new Error(
            `${PREFIX}: "${binary}" was not found on PATH. Run scripts/ensure-redis.sh (Debian: apt-get install redis-server).`,
            { cause: error },
          )
        : error,
    );
  };
  const onExit = (code: number | null, signal: string | null): void => {
    reject(
      new Error(
        `${PREFIX}: redis-server exited (${signal ?? `code ${code}`}) before it was ready:\n${output}`,
      ),
    );
  };
  const timer = setTimeout(
    () => reject(new Error(`${PREFIX}: redis-server was not ready after ${timeoutMs} ms:\n${output}`)),
    timeoutMs,
  );
  child.stdout?.on('data', onData);
  child.stderr?.on('data', onData);
  child.once('error', onError);
  child.once('exit', onExit);
  try {
    await promise;
  } finally {
    clearTimeout(timer);
    child.off('error', onError);
    child.off('exit', onExit);
    child.stdout?.off('data', onData);
    child.stderr?.off('data', onData);
    // Keep draining the pipes so Redis never blocks on a full one.
    child.stdout?.resume();
    child.stderr?.resume();
  }
}

async function terminate(child: ChildProcess | undefined, signal: NodeJS.Signals): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  child.kill(signal);
  await exited;
}

/**
 * Starts a throw-away `redis-server` (persistence off, bound to 127.0.0.1, a free port) and
 * resolves once it answers PING; dispose of it with `await using`.
 * @example
 * await using redis = await startRedisServer();
 * const broker = redisBroker({ url: redis.url });
 */
export async function startRedisServer(options: StartRedisServerOptions = {}): Promise<RedisServerHandle> {
  const binary = options.binary ?? 'redis-server';
  const args = options.args ?? [];
  const timeoutMs = options.startTimeoutMs ?? 15_000;
  installExitHook();
  let child: ChildProcess | undefined;
  const aof = options.persistence === 'aof';
  const dir = aof ? await mkdtemp(join(tmpdir(), 'tidings-redis-')) : tmpdir();
  const serverArgs = aof ? ['--appendonly', 'yes', '--appendfsync', 'always', ...args] : args;

  async function start(port: number): Promise<void> {
    const next = spawnRedis(binary, port, dir, serverArgs);
    live.add(next);
    next.once('exit', () => live.delete(next));
    try {
      await waitUntilReady(next, binary, timeoutMs);
      await ping(port, timeoutMs);
    } catch (error) {
      await terminate(next, 'SIGKILL');
      throw error;
    }
    child = next;
  }

  async function dispose(): Promise<void> {
    await terminate(child, 'SIGKILL');
    if (aof) await rm(dir, { recursive: true, force: true });
  }

  let port = options.port ?? 0;
  for (let attempt = 0; ; attempt++) {
    const candidate = port === 0 ? await freePort() : port;
    try {
      await start(candidate);
      port = candidate;
      break;
    } catch (error) {
      // Another process may take a free port between picking and binding it: pick again.
      const retry =
        options.port === undefined && attempt < 4 && /address already in use/i.test(String(error));
      if (!retry) {
        await dispose();
        throw error;
      }
    }
  }

  const handle: RedisServerHandle = {
    url: `redis://127.0.0.1:${port}`,
    port,
    get running() {
      return child !== undefined && child.exitCode === null && child.signalCode === null;
    },
    stop: () => terminate(child, 'SIGTERM'),
    kill: () => terminate(child, 'SIGKILL'),
    async restart() {
      await terminate(child, 'SIGKILL');
      await start(port);
    },
    [Symbol.asyncDispose]: dispose,
  };
  return handle;
}
