import { readFileSync } from 'node:fs';
import { command } from '../report/environment.ts';
import { table } from '../report/format.ts';

function proc(path: string): string {
  try {
    return readFileSync(path, 'utf8').trim().replace(/\s+/g, ' ');
  } catch {
    return 'unavailable';
  }
}

function shell(script: string): string {
  return command('bash', ['-c', script]);
}

/** The kernel and process limits the scale figures depend on, as markdown (read, never changed). */
export function kernelSection(): string {
  const rows: [string, string, string][] = [
    ['open files per process (soft / hard)', shell('echo "$(ulimit -Sn) / $(ulimit -Hn)"'), 'ulimit -n'],
    ['ephemeral port range', proc('/proc/sys/net/ipv4/ip_local_port_range'), 'net.ipv4.ip_local_port_range'],
    ['listen backlog cap', proc('/proc/sys/net/core/somaxconn'), 'net.core.somaxconn'],
    ['SYN backlog', proc('/proc/sys/net/ipv4/tcp_max_syn_backlog'), 'net.ipv4.tcp_max_syn_backlog'],
    ['TCP memory (pages: low, pressure, high)', proc('/proc/sys/net/ipv4/tcp_mem'), 'net.ipv4.tcp_mem'],
    ['TCP send buffer (min, default, max)', proc('/proc/sys/net/ipv4/tcp_wmem'), 'net.ipv4.tcp_wmem'],
    ['TCP receive buffer (min, default, max)', proc('/proc/sys/net/ipv4/tcp_rmem'), 'net.ipv4.tcp_rmem'],
    ['open files, whole system', proc('/proc/sys/fs/file-max'), 'fs.file-max'],
    ['conntrack table', proc('/proc/sys/net/netfilter/nf_conntrack_max'), 'net.netfilter.nf_conntrack_max'],
  ];
  return `## Kernel and limits\n\nRead at the start of the run; the run changes none of them.\n\n${table(
    ['setting', 'value', 'where'],
    rows.map(([what, value, where]) => [what, value, `\`${where}\``]),
  )}`;
}
