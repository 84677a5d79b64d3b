import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { createConnection } from 'node:net';
import { within } from '@tidings/test-kit/wait';
import { describe, expect, it } from 'vitest';
import { startRedisServer } from './redis-server.ts';

/** Sends one inline command over a raw socket and returns the raw reply. */
async function send(port: number, command: string): Promise<string> {
  const socket = createConnection({ port, host: '127.0.0.1' });
  try {
    await within(once(socket, 'connect'), 10_000, 'the connection to Redis');
    socket.write(`${command}\r\n`);
    const [chunk] = (await within(once(socket, 'data'), 10_000, `the reply to ${command}`)) as [Buffer];
    return chunk.toString('latin1');
  } finally {
    socket.destroy();
  }
}

const ping = (port: number) => send(port, 'PING');

describe('startRedisServer', () => {
  it('starts a redis-server on a free port, restarts it on the same port and kills it', async () => {
    await using redis = await startRedisServer();
    expect(redis.port).not.toBe(6379);
    expect(redis.url).toBe(`redis://127.0.0.1:${redis.port}`);
    expect(await ping(redis.port)).toBe('+PONG\r\n');

    await redis.kill();
    expect(redis.running).toBe(false);
    await expect(ping(redis.port)).rejects.toThrow(/ECONNREFUSED/);

    await redis.restart();
    expect(redis.running).toBe(true);
    expect(await ping(redis.port)).toBe('+PONG\r\n');

    await redis.stop();
    expect(redis.running).toBe(false);
  });

  it("with persistence 'aof' keeps acknowledged writes across a kill, then removes its directory", async () => {
    let dir: string;
    {
      await using redis = await startRedisServer({ persistence: 'aof' });
      expect(await send(redis.port, 'SET kept yes')).toBe('+OK\r\n');
      await redis.kill();
      await redis.restart();
      expect(await send(redis.port, 'GET kept')).toBe('$3\r\nyes\r\n');
      const reply = await send(redis.port, 'CONFIG GET dir');
      dir = reply.split('\r\n')[4]!;
      expect(existsSync(dir)).toBe(true);
    }
    expect(existsSync(dir)).toBe(false);
  });

  it('explains how to install Redis when the binary is missing', async () => {
    await expect(startRedisServer({ binary: 'redis-server-that-does-not-exist' })).rejects.toThrow(
      /not found on PATH\. Run scripts\/ensure-redis\.sh/,
    );
  });
});
