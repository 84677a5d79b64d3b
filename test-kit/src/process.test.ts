import { describe, expect, test } from 'vitest';
import { run, spawnResource } from './process.ts';

const node = (source: string) => ['-e', source];

describe('run', () => {
  test('captures the exit code, stdout and stderr', async () => {
    const result = await run(
      process.execPath,
      node('process.stdout.write("out"); process.stderr.write("err"); process.exit(3)'),
      { cwd: process.cwd() },
    );
    expect(result).toMatchObject({ code: 3, stdout: 'out', stderr: 'err' });
  });

  test('kills the process at its timeout: the code is null', async () => {
    const result = await run(process.execPath, node('setInterval(() => {}, 1000)'), {
      cwd: process.cwd(),
      timeoutMs: 200,
    });
    expect(result.code).toBeNull();
  });
});

describe('spawnResource', () => {
  test('waits for a line on stdout, and stops the process on dispose', async () => {
    let pid: number | undefined;
    {
      await using child = spawnResource(
        process.execPath,
        node('console.log("listening on 42"); setInterval(() => {}, 1000)'),
        { cwd: process.cwd() },
      );
      pid = child.process.pid;
      const [, port] = await child.waitForOutput(/listening on (\d+)/, 10_000);
      expect(port).toBe('42');
    }
    expect(pid).toBeDefined();
    expect(() => process.kill(pid!, 0)).toThrow();
  });

  test('a process that ends before printing the line fails the wait with its output', async () => {
    await using child = spawnResource(process.execPath, node('console.error("boom")'), {
      cwd: process.cwd(),
    });
    await expect(child.waitForOutput(/never/, 10_000)).rejects.toThrow(/ended \(0\) before printing.*boom/s);
  });
});
