/** This process's memory, after two full GCs when `gc` is asked for and `--expose-gc` given, and its CPU time so far. */
export function processStats(gc: boolean): { rssBytes: number; heapUsedBytes: number; cpuMs: number } {
  const collect = (globalThis as { gc?: () => void }).gc;
  if (gc && collect) {
    collect();
    collect();
  }
  const memory = process.memoryUsage();
  const cpu = process.cpuUsage();
  return { rssBytes: memory.rss, heapUsedBytes: memory.heapUsed, cpuMs: (cpu.user + cpu.system) / 1000 };
}
