import { type ProcedureThroughput, procedurePoint, type Results } from '../orchestrator/results.ts';
import { TARGETS } from '../targets/registry.ts';
import { judgedStreams } from './criteria.ts';
import { fmtCount, fmtKiB, fmtMs, fmtPct, fmtRatio, table } from './format.ts';
import { failedRow, ratio, type ScenarioRow } from './rows.ts';

// Scenario H's part of the report: throughput at each number of streams, then memory per stream.

/** One throughput point of H, for progress output. */
export function describePoint(point: ProcedureThroughput): string {
  return `at ${point.streams} streams ${fmtCount(point.median)} events/s (${point.rates.map(fmtCount).join(', ')}), server CPU ${fmtPct(point.serverCpuPct)}, loadgen CPU ${fmtPct(point.loadgenCpuPct)}, slowest stream ${fmtRatio(point.slowestShare)} of the mean, ${fmtKiB(point.rssPerStreamStreaming)} RSS per stream streaming, slowest answer ${fmtAnswer(point.slowestAnswerMs)}, generators ended ${fmtEnded(point)}${point.closedStreams > 0 ? `, ${point.closedStreams} STREAMS CLOSED` : ''}`;
}

/** How long the target took to answer; "none" when it did not within a window. */
function fmtAnswer(ms: number | null): string {
  return ms === null ? 'none within a window' : fmtMs(ms);
}

/** How long after its clients left the target ran no generator, or what still ran. */
function fmtEnded(result: ProcedureThroughput): string {
  return result.endedMs === null
    ? `not within 15 s (running: ${result.runningAfterEnd ?? 'unknown'})`
    : `after ${fmtMs(result.endedMs)}`;
}

/** H's two tables, throughput at each number of streams and memory per stream, each with its note. */
export function procedureSections(results: Results, rows: readonly ScenarioRow[]): string {
  const trpc = results.get('H', 'trpc-proc', 'procedure');
  const measured = rows.flatMap(([name, result]) =>
    result?.kind === 'procedure' ? [[name, result] as const] : [],
  );
  const failed = rows.filter(([, result]) => result?.kind !== 'procedure');
  const counts = [...new Set(measured.flatMap(([, r]) => r.points.map((p) => p.streams)))].sort(
    (a, b) => a - b,
  );

  const rateHeader = [
    'target',
    'validates',
    'streams',
    'events/s delivered (median)',
    'runs',
    '× tRPC',
    'server CPU',
    'events per server CPU-s',
    'loadgen CPU',
    'slowest stream ÷ mean',
    'slowest answer',
    'generators ended',
    'note',
  ];
  const rateBody: string[][] = [];
  for (const count of counts) {
    const base = procedurePoint(trpc, count);
    for (const [name, result] of measured) {
      const point = procedurePoint(result, count);
      if (!point) continue;
      const notes = [
        ...(point.median === 0 ? ['delivered no events in the windows'] : []),
        ...(point.closedStreams > 0 ? [`${point.closedStreams} streams closed early`] : []),
      ];
      rateBody.push([
        TARGETS[name].label,
        TARGETS[name].validates,
        fmtCount(count),
        fmtCount(point.median),
        point.rates.map(fmtCount).join(' / '),
        fmtRatio(
          point.median > 0 && base?.median === 0
            ? Number.POSITIVE_INFINITY
            : ratio(point.median, base?.median),
        ),
        fmtPct(point.serverCpuPct),
        fmtCount(point.perCpuSecond),
        fmtPct(point.loadgenCpuPct),
        fmtRatio(point.slowestShare),
        fmtAnswer(point.slowestAnswerMs),
        fmtEnded(point),
        notes.join('; '),
      ]);
    }
  }
  for (const [name, , error] of failed) rateBody.push(failedRow(name, rateHeader.length, error));

  const memoryHeader = [
    'target',
    'RSS per stream (waiting)',
    'heap per stream',
    'RSS × tRPC',
    'RSS per stream (streaming)',
  ];
  const memoryBody = measured.map(([name, result]) => [
    TARGETS[name].label,
    fmtKiB(result.rssPerStream),
    fmtKiB(result.heapPerStream),
    fmtRatio(ratio(result.rssPerStream, trpc?.rssPerStream)),
    fmtKiB(procedurePoint(result, result.streams)?.rssPerStreamStreaming ?? Number.NaN),
  ]);
  for (const [name, , error] of failed) memoryBody.push(failedRow(name, memoryHeader.length, error));

  const any = measured[0]?.[1];
  if (!any) return `${table(rateHeader, rateBody)}\n\n${table(memoryHeader, memoryBody)}`;
  const judged = judgedStreams(results.get('H', 'tidings-proc', 'procedure'), trpc);
  const rateNote = `Throughput at ${counts.map(fmtCount).join(' and ')} concurrent streams, one client each, every one served by its own generator producing tokens as fast as its connection takes them, all released at once; events per second summed over the streams, × tRPC at the same number of streams (∞× where tRPC delivered nothing). ${judged === undefined ? '' : `The throughput criterion is judged at ${fmtCount(judged)} streams. `}Server CPU from /proc. Slowest answer: the longest the target took to answer the orchestrator during the windows (a server whose streams keep its event loop to themselves answers late, and so do its other clients). Generators ended: how long after every client left the target ran none (their \`finally\` blocks ran).`;
  const memoryNote = `Memory at ${fmtCount(any.streams)} streams. RSS per stream (waiting): in a fresh process, RSS growth after a full GC from a baseline with no streams to ${fmtCount(any.streams)} open streams that have each sent ${any.primed} events and wait for their next one, divided by ${fmtCount(any.streams)}. RSS per stream (streaming): the process's RSS read from /proc at the end of the windows at ${fmtCount(any.streams)} streams, while every stream streams, less the baseline (no GC first; adds what each server buffers per connection under back-pressure).`;
  return `${table(rateHeader, rateBody)}\n\n${rateNote}\n\n${table(memoryHeader, memoryBody)}\n\n${memoryNote}`;
}
