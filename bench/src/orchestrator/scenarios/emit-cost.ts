import type { BenchConfig } from '../config.ts';
import { type EmitCostResult, median } from '../results.ts';
import type { TargetGroup } from '../target-group.ts';

/** E: alternating rounds of the bare validate + stringify + frame loop and of `emit` with no clients, in one process. */
export async function runEmitCost(
  group: TargetGroup,
  config: BenchConfig['emitCost'],
): Promise<EmitCostResult> {
  const { bare, emit } = await group.emitter.request(
    'emitCost',
    { roundMs: config.roundMs, rounds: config.rounds },
    config.roundMs * config.rounds * 4 + 30_000,
  );
  return { kind: 'emit-cost', bare, emit, bareMedian: median(bare), emitMedian: median(emit) };
}
