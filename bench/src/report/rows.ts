import { SCENARIO_TARGETS, type ScenarioName } from '../orchestrator/config.ts';
import type { Results, ScenarioResult } from '../orchestrator/results.ts';
import { TARGETS, type TargetName } from '../targets/registry.ts';

/** A scenario's row: the target, its result (none when it failed) and the failure's message. */
export type ScenarioRow = [TargetName, ScenarioResult | undefined, string | undefined];

/** value ÷ base; undefined when a side is missing or the base is 0. */
export function ratio(value: number | undefined, base: number | undefined): number | undefined {
  return value === undefined || base === undefined || base === 0 ? undefined : value / base;
}

/** The targets of a scenario that have a result or a failure, in the scenario's order. */
export function rowsFor(results: Results, scenario: ScenarioName): ScenarioRow[] {
  return SCENARIO_TARGETS[scenario]
    .filter(
      (name) =>
        results.byScenario.get(scenario)?.has(name) ||
        results.errors.some((e) => e.scenario === scenario && e.target === name),
    )
    .map((name) => [
      name,
      results.byScenario.get(scenario)?.get(name),
      results.errors.find((e) => e.scenario === scenario && e.target === name)?.message,
    ]);
}

/** A row for a target whose scenario failed: its label, the first line of the error, empty cells. */
export function failedRow(name: TargetName, width: number, error: string | undefined): string[] {
  const cells = [TARGETS[name].label, `failed: ${(error ?? 'no result').split('\n')[0]!.slice(0, 120)}`];
  while (cells.length < width) cells.push('');
  return cells;
}
