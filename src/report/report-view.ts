import type { PlanEntry } from './plan-schema.ts';
import type { Report, Scenario, ScenarioVerdict } from './report-schema.ts';

/** Every plan entry of a scenario, across its plans, in plan order. */
export function scenarioEntries(scenario: Scenario): PlanEntry[] {
  return scenario.plans.flatMap((p) => p.services);
}

/** The counts at the top of a report. */
export function reportSummary(scenarios: readonly Scenario[]): Report['summary'] {
  return {
    scenarios: scenarios.length,
    notReady: scenarios.filter((s) => !s.ready).length,
    entries: scenarios.reduce((n, s) => n + scenarioEntries(s).length, 0),
    failures: scenarios.reduce((n, s) => n + s.failures.length, 0),
    lowConfidence: scenarios.reduce((n, s) => n + s.lowConfidence.length, 0),
  };
}

/** How reports name a scenario: "us-west-2 fails". */
export function scenarioTitle(failedRegion: string): string {
  return `${failedRegion} fails`;
}

export function scenarioVerdict(scenario: Scenario | undefined): ScenarioVerdict {
  if (!scenario) return 'absent';
  return scenario.ready ? 'ready' : 'not-ready';
}

/** "ready", "not ready" or "absent": the words the Markdown and the CI gate script look for. */
export function verdictWords(verdict: ScenarioVerdict): string {
  return verdict === 'not-ready' ? 'not ready' : verdict;
}

/** The one-line outcome of a whole report. */
export function reportHeadline(report: Report): string {
  const { scenarios, notReady } = report.summary;
  if (scenarios === 0) return 'ready: no scenario to plan';
  const all = scenarios === 1 ? 'the only scenario passes' : `all ${scenarios} scenarios pass`;
  return notReady === 0 ? `ready: ${all} the gate` : `not ready: ${notReady} of ${scenarios} scenarios ${notReady === 1 ? 'fails' : 'fail'} the gate`;
}
