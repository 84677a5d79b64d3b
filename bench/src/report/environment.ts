import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import os from 'node:os';
import { table } from './format.ts';

const BENCH_ROOT = new URL('../../', import.meta.url);

function packageVersion(name: string): string {
  try {
    const json = readFileSync(new URL(`node_modules/${name}/package.json`, BENCH_ROOT), 'utf8');
    return (JSON.parse(json) as { version?: string }).version ?? '?';
  } catch {
    return 'not installed';
  }
}

/** A command's output, trimmed, or `unavailable` when it fails or takes over 5 s. */
export function command(file: string, args: string[]): string {
  try {
    return execFileSync(file, args, {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
      timeout: 5_000,
    }).trim();
  } catch {
    return 'unavailable';
  }
}

function commit(): string {
  const head = command('git', ['rev-parse', '--short', 'HEAD']);
  const dirty = command('git', ['status', '--porcelain']);
  return dirty && dirty !== 'unavailable' ? `${head} (with uncommitted changes)` : head;
}

/** The machine and software a run measured on, as markdown. */
export function environmentSection(loadBefore: readonly number[]): string {
  const cpus = os.cpus();
  const machine = table(
    ['', ''],
    [
      ['CPU', `${cpus[0]?.model ?? 'unknown'} × ${cpus.length}`],
      ['memory', `${(os.totalmem() / 2 ** 30).toFixed(1)} GiB`],
      ['OS', `${os.type()} ${os.release()} (${os.arch()})`],
      [
        'load average before / after',
        `${loadBefore.map((l) => l.toFixed(2)).join(' ')} / ${os
          .loadavg()
          .map((l) => l.toFixed(2))
          .join(' ')}`,
      ],
      [
        'open files limit',
        command('bash', ['-c', 'ulimit -n 65535 2>/dev/null || ulimit -n "$(ulimit -Hn)"; ulimit -n']),
      ],
    ],
  );
  const versions = table(
    ['software', 'version'],
    [
      ['node', process.version],
      [
        'pnpm',
        process.env['npm_config_user_agent']?.match(/pnpm\/(\S+)/)?.[1] ?? command('pnpm', ['--version']),
      ],
      ['@tidings/server', packageVersion('@tidings/server')],
      ['@tidings/redis', packageVersion('@tidings/redis')],
      ['fastify', packageVersion('fastify')],
      ['zod', packageVersion('zod')],
      ['@trpc/server', packageVersion('@trpc/server')],
      ['better-sse', packageVersion('better-sse')],
      ['ioredis', packageVersion('ioredis')],
      ['redis-server', command('redis-server', ['--version']).replace(/^Redis server /, '')],
      ['commit', commit()],
    ],
  );
  return `## Machine\n\n${machine}\n\n## Versions\n\n${versions}`;
}
