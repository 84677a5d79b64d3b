import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

// A target's CPU time and resident set read by the orchestrator from /proc (Linux), so they can
// be read while the target's own event loop is too busy to answer over IPC.

/** User + system CPU time from the text of `/proc/<pid>/stat`, in clock ticks; NaN when unreadable. */
export function parseCpuTicks(stat: string): number {
  // The command name (field 2) is in parentheses and may hold spaces: count fields after its ')'.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // Fields 14 (utime) and 15 (stime), counted from 1 with the pid and name as 1 and 2.
  const utime = Number(fields[11]);
  const stime = Number(fields[12]);
  return Number.isInteger(utime) && Number.isInteger(stime) ? utime + stime : Number.NaN;
}

/** The resident set (`VmRSS`) from the text of `/proc/<pid>/status`, in bytes; NaN when absent. */
export function parseRssBytes(status: string): number {
  const match = /^VmRSS:\s+(\d+) kB$/m.exec(status);
  return match ? Number(match[1]) * 1024 : Number.NaN;
}

let ticksPerSecond: number | undefined;

function clockTicks(): number {
  if (ticksPerSecond === undefined) {
    try {
      ticksPerSecond = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    } catch {
      ticksPerSecond = 100;
    }
  }
  return ticksPerSecond;
}

function read(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

/** CPU time a process has used, in ms (10 ms resolution); NaN when /proc cannot say. */
export function cpuMsOf(pid: number): number {
  const stat = read(`/proc/${pid}/stat`);
  return stat === undefined ? Number.NaN : (parseCpuTicks(stat) * 1000) / clockTicks();
}

/** A process's resident set in bytes; NaN when /proc cannot say. */
export function rssOf(pid: number): number {
  const status = read(`/proc/${pid}/status`);
  return status === undefined ? Number.NaN : parseRssBytes(status);
}
