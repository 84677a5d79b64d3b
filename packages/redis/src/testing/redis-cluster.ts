import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { freePort, type RedisServerHandle, startRedisServer } from './redis-server.ts';

/** A throw-away Redis Cluster of local `redis-server` processes. */
export interface RedisClusterHandle extends AsyncDisposable {
  /** Every node as `{ host, port }`, for `redisBroker({ cluster })` or ioredis's `Cluster`. */
  readonly startupNodes: readonly { readonly host: string; readonly port: number }[];
  /** The nodes' processes (kill one to fail it over, restart it to bring it back as a replica). */
  readonly nodes: readonly RedisServerHandle[];
  /** The node that serves the hash slot of `key` (a key or shard channel) as master now. */
  masterOf(key: string): Promise<RedisServerHandle>;
  /** The running nodes that replicate `master` now. */
  replicasOf(master: RedisServerHandle): Promise<RedisServerHandle[]>;
  /**
   * Resolves once every running node reports `cluster_state:ok` and the same running master for
   * every slot, and every running replica is in sync with its master (after a failover, say).
   */
  healthy(timeoutMs?: number): Promise<void>;
}

/** Options of `startRedisCluster`. */
export interface StartRedisClusterOptions {
  /**
   * Master nodes (at least 3, as Redis Cluster requires).
   * @default 3
   */
  masters?: number | undefined;
  /**
   * Replicas of each master.
   * @default 1
   */
  replicasPerMaster?: number | undefined;
  /**
   * `cluster-node-timeout`: how long a master may be silent before it counts as failed and its
   * replica takes over (a failover takes about twice this); short, but long enough that a busy
   * machine does not fail a master over by accident.
   * @default 2_000
   */
  nodeTimeoutMs?: number | undefined;
  /**
   * The `redis-server` binary.
   * @default 'redis-server' (from PATH)
   */
  binary?: string | undefined;
  /**
   * The `redis-cli` binary, which creates the cluster.
   * @default 'redis-cli' (from PATH)
   */
  cliBinary?: string | undefined;
  /**
   * Extra `redis-server` arguments for every node.
   * @default []
   */
  args?: readonly string[] | undefined;
  /**
   * How long to wait for the nodes to start and the cluster to become healthy.
   * @default 30_000
   */
  startTimeoutMs?: number | undefined;
}

const PREFIX = '@tidings/redis/testing';
const HOST = '127.0.0.1';

function run(binary: string, args: readonly string[], timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(binary, args, { timeout: timeoutMs, encoding: 'utf8' }, (error, stdout, stderr) => {
      if (!error) {
        resolve(stdout);
        return;
      }
      const missing = (error as NodeJS.ErrnoException).code === 'ENOENT';
      reject(
        new Error(
          missing
            ? `${PREFIX}: "${binary}" was not found on PATH. Run scripts/ensure-redis.sh (Debian: apt-get install redis-server, which brings redis-cli).`
            : `${PREFIX}: ${binary} ${args.join(' ')} failed: ${error.message}\n${stdout}${stderr}`,
          { cause: error },
        ),
      );
    });
  });
}

/** `[start, end, [host, port, id], ...replicas]` rows of `CLUSTER SLOTS`, as `start-end:masterPort`. */
function slotMap(reply: unknown): { ranges: [number, number, number][]; text: string } {
  const ranges: [number, number, number][] = [];
  for (const row of Array.isArray(reply) ? (reply as unknown[]) : []) {
    if (!Array.isArray(row)) continue;
    const [start, end, master] = row as [unknown, unknown, unknown];
    const port = Array.isArray(master) ? Number(master[1]) : Number.NaN;
    ranges.push([Number(start), Number(end), port]);
  }
  ranges.sort((a, b) => a[0] - b[0]);
  return { ranges, text: ranges.map(([start, end, port]) => `${start}-${end}:${port}`).join(',') };
}

function covers(ranges: readonly [number, number, number][], masters: ReadonlySet<number>): boolean {
  let next = 0;
  for (const [start, end, port] of ranges) {
    if (start !== next || !masters.has(port)) return false;
    next = end + 1;
  }
  return next === 16_384;
}

/**
 * Starts a throw-away Redis Cluster (by default 3 masters with one replica each; persistence
 * off, bound to 127.0.0.1, free ports) and resolves once it is healthy; dispose with `await using`.
 * @example
 * await using cluster = await startRedisCluster();
 * const broker = redisBroker({ cluster: cluster.startupNodes });
 */
export async function startRedisCluster(options: StartRedisClusterOptions = {}): Promise<RedisClusterHandle> {
  const masters = options.masters ?? 3;
  const replicas = options.replicasPerMaster ?? 1;
  if (!Number.isInteger(masters) || masters < 3 || !Number.isInteger(replicas) || replicas < 0) {
    throw new Error(
      `${PREFIX}: startRedisCluster got masters ${masters} and replicasPerMaster ${replicas}; Redis Cluster needs at least 3 masters and 0 or more replicas each.`,
    );
  }
  const timeoutMs = options.startTimeoutMs ?? 30_000;
  const deadline = Date.now() + timeoutMs;
  const nodeTimeoutMs = options.nodeTimeoutMs ?? 2_000;
  const dir = await mkdtemp(join(tmpdir(), 'tidings-redis-cluster-'));
  const nodes: RedisServerHandle[] = [];
  const admins = new Map<number, Redis>();

  const admin = (port: number): Redis => {
    let client = admins.get(port);
    if (!client) {
      client = new Redis({
        host: HOST,
        port,
        lazyConnect: true,
        maxRetriesPerRequest: 0,
        retryStrategy: () => null,
      });
      client.on('error', () => {});
      admins.set(port, client);
    }
    return client;
  };
  /** Sends a command to one node, or undefined when it does not answer. */
  const ask = async (port: number, command: string, ...args: string[]): Promise<unknown> => {
    const client = admin(port);
    try {
      if (client.status === 'end' || client.status === 'wait') await client.connect();
      return await client.call(command, ...args);
    } catch {
      client.disconnect();
      admins.delete(port);
      return undefined;
    }
  };

  async function dispose(): Promise<void> {
    for (const client of admins.values()) client.disconnect();
    admins.clear();
    await Promise.all(nodes.map((node) => node[Symbol.asyncDispose]()));
    await rm(dir, { recursive: true, force: true });
  }

  async function startNode(index: number): Promise<RedisServerHandle> {
    const nodeDir = join(dir, `node-${index}`);
    await mkdir(nodeDir);
    for (let attempt = 0; ; attempt++) {
      try {
        return await startRedisServer({
          binary: options.binary,
          startTimeoutMs: Math.max(1_000, deadline - Date.now()),
          args: [
            '--dir',
            nodeDir,
            '--cluster-enabled',
            'yes',
            '--cluster-config-file',
            'nodes.conf',
            // The bus port is port + 10000 unless set: pick a free one too.
            '--cluster-port',
            String(await freePort()),
            '--cluster-node-timeout',
            String(nodeTimeoutMs),
            // A replica may take over however long its master was gone.
            '--cluster-replica-validity-factor',
            '0',
            // Replicas sync at once instead of 5 s after they ask.
            '--repl-diskless-sync-delay',
            '0',
            ...(options.args ?? []),
          ],
        });
      } catch (error) {
        if (attempt >= 3 || !/address already in use/i.test(String(error))) throw error;
      }
    }
  }

  async function healthy(waitMs = 15_000): Promise<void> {
    const until = Date.now() + waitMs;
    let problem = 'no answer yet';
    for (;;) {
      problem = await check();
      if (problem === '') return;
      if (Date.now() > until) {
        throw new Error(`${PREFIX}: the Redis Cluster was not healthy after ${waitMs} ms: ${problem}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  /** What keeps the cluster from being healthy, or '' when nothing does. */
  async function check(): Promise<string> {
    const running = nodes.filter((node) => node.running);
    const views = new Set<string>();
    let ranges: [number, number, number][] = [];
    for (const node of running) {
      const info = await ask(node.port, 'CLUSTER', 'INFO');
      if (typeof info !== 'string' || !info.includes('cluster_state:ok'))
        return `node ${node.port} is not ok`;
      const map = slotMap(await ask(node.port, 'CLUSTER', 'SLOTS'));
      views.add(map.text);
      ranges = map.ranges;
    }
    if (views.size !== 1) return `the nodes disagree on the slots (${[...views].join(' | ')})`;
    const masterPorts = new Set(ranges.map(([, , port]) => port));
    const runningPorts = new Set(running.map((node) => node.port));
    if (!covers(ranges, new Set([...masterPorts].filter((port) => runningPorts.has(port))))) {
      return `some slots have no running master (${[...views][0]})`;
    }
    for (const node of running) {
      if (masterPorts.has(node.port)) continue;
      const info = await ask(node.port, 'INFO', 'replication');
      if (typeof info !== 'string' || !info.includes('master_link_status:up')) {
        return `replica ${node.port} is not in sync with its master`;
      }
    }
    return '';
  }

  try {
    const started = await Promise.allSettled(
      Array.from({ length: masters * (1 + replicas) }, (_, index) => startNode(index)),
    );
    for (const outcome of started) if (outcome.status === 'fulfilled') nodes.push(outcome.value);
    const failed = started.find((outcome) => outcome.status === 'rejected');
    if (failed) throw failed.reason;
    await run(
      options.cliBinary ?? 'redis-cli',
      [
        '--cluster',
        'create',
        ...nodes.map((node) => `${HOST}:${node.port}`),
        '--cluster-replicas',
        String(replicas),
        '--cluster-yes',
      ],
      Math.max(1_000, deadline - Date.now()),
    );
    await healthy(Math.max(1_000, deadline - Date.now()));
  } catch (error) {
    await dispose();
    throw error;
  }

  return {
    startupNodes: nodes.map((node) => ({ host: HOST, port: node.port })),
    nodes,
    async masterOf(key) {
      for (const node of nodes.filter((candidate) => candidate.running)) {
        const slot = await ask(node.port, 'CLUSTER', 'KEYSLOT', key);
        const map = slotMap(await ask(node.port, 'CLUSTER', 'SLOTS'));
        const range = map.ranges.find(([start, end]) => Number(slot) >= start && Number(slot) <= end);
        const master = nodes.find((candidate) => candidate.port === range?.[2]);
        if (master) return master;
      }
      throw new Error(`${PREFIX}: no running node knows which master serves "${key}"`);
    },
    async replicasOf(master) {
      const replicas: RedisServerHandle[] = [];
      for (const node of nodes.filter((candidate) => candidate.running && candidate !== master)) {
        const info = await ask(node.port, 'INFO', 'replication');
        if (typeof info === 'string' && info.includes(`master_port:${master.port}\r\n`)) replicas.push(node);
      }
      return replicas;
    },
    healthy,
    [Symbol.asyncDispose]: dispose,
  };
}
