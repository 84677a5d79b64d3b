import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { createConnection } from 'node:net';
import { dirname } from 'node:path';
import { within } from '@tidings/test-kit/wait';
import { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { startRedisCluster } from './redis-cluster.ts';

async function role(port: number): Promise<string> {
  const client = new Redis({ port, host: '127.0.0.1', maxRetriesPerRequest: 0, retryStrategy: () => null });
  client.on('error', () => {});
  try {
    const [name] = (await client.call('ROLE')) as [string];
    return name;
  } catch (error) {
    return String(error);
  } finally {
    client.disconnect();
  }
}

/** What connecting to a port gives: 'connected', or the error code. */
async function connect(port: number): Promise<string> {
  const socket = createConnection({ port, host: '127.0.0.1' });
  try {
    await within(once(socket, 'connect'), 10_000, `a connection to ${port}`);
    return 'connected';
  } catch (error) {
    return (error as NodeJS.ErrnoException).code ?? String(error);
  } finally {
    socket.destroy();
  }
}

describe('startRedisCluster', () => {
  it('starts 3 masters with a replica each, tells who serves a key, and removes every process and file on dispose', async () => {
    let dir: string;
    let ports: number[];
    {
      await using cluster = await startRedisCluster();
      ports = cluster.nodes.map((node) => node.port);
      expect(cluster.startupNodes).toEqual(ports.map((port) => ({ host: '127.0.0.1', port })));
      const roles = await Promise.all(ports.map(role));
      expect(roles.filter((name) => name === 'master')).toHaveLength(3);
      expect(roles.filter((name) => name === 'slave')).toHaveLength(3);

      const master = await cluster.masterOf('{user:1}:profile');
      expect(await role(master.port)).toBe('master');
      const replicas = await cluster.replicasOf(master);
      expect(replicas).toHaveLength(1);
      expect(await role(replicas[0]!.port)).toBe('slave');

      const client = new Redis({ port: master.port, host: '127.0.0.1' });
      try {
        expect(await client.call('CLUSTER', 'COUNTKEYSINSLOT', '0')).toBe(0);
        const [, nodeDir] = (await client.config('GET', 'dir')) as [string, string];
        dir = dirname(nodeDir);
      } finally {
        client.disconnect();
      }
      expect(existsSync(dir)).toBe(true);
    }
    expect(existsSync(dir)).toBe(false);
    for (const port of ports) expect(await connect(port)).toBe('ECONNREFUSED');
  });

  it('explains what is missing when redis-cli is not there', async () => {
    const error: unknown = await startRedisCluster({ cliBinary: 'redis-cli-that-does-not-exist' }).catch(
      (caught: unknown) => caught,
    );
    expect(String(error)).toMatch(
      /@tidings\/redis\/testing: "redis-cli-that-does-not-exist" was not found on PATH\. Run scripts\/ensure-redis\.sh/,
    );
  });

  it('refuses a cluster Redis cannot form', async () => {
    await expect(startRedisCluster({ masters: 2 })).rejects.toThrow(
      '@tidings/redis/testing: startRedisCluster got masters 2 and replicasPerMaster 1; Redis Cluster needs at least 3 masters and 0 or more replicas each.',
    );
  });
});
