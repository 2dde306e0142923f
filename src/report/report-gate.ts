import { PLAN_FLAGS, type PlanEntry, type PlanFlag, PlanFlagSchema } from './plan-schema.ts';
import type { GateFailure } from './report-schema.ts';

/** The flags the gate fails on unless --fail-on says otherwise: a ratio without history, or unbounded, and a receiving service at capacity 0 are no pass. */
export const DEFAULT_FAIL_ON: readonly PlanFlag[] = ['exceeds-max', 'no-history', 'unbounded-ratio', 'zero-capacity'];

export type FailOnResult = { readonly ok: true; readonly data: PlanFlag[] } | { readonly ok: false; readonly message: string };

/**
 * Reads `--fail-on` values: flag names separated by commas (values may repeat the option).
 * Every name must be a plan flag; duplicates are dropped; none given: DEFAULT_FAIL_ON.
 */
export function parseFailOn(values: readonly string[]): FailOnResult {
  const names = values.flatMap((v) => v.split(',')).map((v) => v.trim());
  if (names.length === 0) return { ok: true, data: [...DEFAULT_FAIL_ON] };
  const unknown = names.filter((n) => !PlanFlagSchema.safeParse(n).success);
  if (unknown.length > 0) {
    const shown = unknown.map((n) => `"${n}"`).join(', ');
    return {
      ok: false,
      message: `--fail-on: unknown flag${unknown.length > 1 ? 's' : ''} ${shown}: expected one or more of ${Object.keys(PLAN_FLAGS).join(', ')}`,
    };
  }
  return { ok: true, data: [...new Set(names as PlanFlag[])] };
}

/**
 * The entries that fail the gate: those carrying any flag of `failOn`, each with a message
 * that says what is wrong. For exceeds-max: what it needs, its MaxCapacity and the shortfall.
 */
export function gateFailures(entries: readonly PlanEntry[], failOn: readonly PlanFlag[]): GateFailure[] {
  const gating = new Set(failOn);
  const out: GateFailure[] = [];
  for (const e of entries) {
    const flags = e.flags.filter((f) => gating.has(f));
    if (flags.length === 0) continue;
    out.push({
      service: e.service,
      region: e.region,
      bucket: e.bucket,
      flags,
      shortfall: flags.includes('exceeds-max') ? shortfall(e) : null,
      message: flags.map((f) => flagMessage(e, f)).join('; '),
    });
  }
  return out;
}

/** Required capacity above the (target) MaxCapacity; 0 when it fits or either is unknown. */
export function shortfall(e: Pick<PlanEntry, 'requiredCapacity' | 'maxCapacity' | 'targetMaxCapacity'>): number {
  const max = e.targetMaxCapacity ?? e.maxCapacity;
  if (e.requiredCapacity === null || max === null) return 0;
  return Math.max(0, e.requiredCapacity - max);
}

function flagMessage(e: PlanEntry, flag: PlanFlag): string {
  if (flag === 'exceeds-max' && e.requiredCapacity !== null) {
    const max = e.targetMaxCapacity ?? e.maxCapacity;
    const how = `${e.currentCapacity ?? '?'} x ratio ${e.weightedRatio.toFixed(3)} x ${(1 + e.headroom).toFixed(2)} headroom`;
    return `exceeds-max: needs ${e.requiredCapacity} (${how}) but MaxCapacity is ${max ?? '?'}: short by ${shortfall(e)}`;
  }
  return `${flag}: ${PLAN_FLAGS[flag]}`;
}

/**
 * Why a scenario is (not) ready, in one line: the failures grouped by flag with the first
 * few service-regions named, or how many entries passed.
 */
export function scenarioReason(input: {
  readonly entries: number;
  readonly failures: readonly GateFailure[];
  readonly failOn: readonly PlanFlag[];
  readonly receiving: number;
}): string {
  const { entries, failures, failOn, receiving } = input;
  if (receiving === 0) return 'no healthy region is steered any of its traffic: nothing to plan';
  if (failures.length === 0) return `all ${entries} service-regions pass the gate (${failOn.join(', ')})`;
  const groups = failOn
    .map((flag) => {
      const hit = failures.filter((f) => f.flags.includes(flag));
      if (hit.length === 0) return undefined;
      const named = hit
        .slice(0, 3)
        .map((f) => `${f.service} in ${f.region}${flag === 'exceeds-max' && f.shortfall !== null ? ` short by ${f.shortfall}` : ''}`);
      const more = hit.length > 3 ? `, +${hit.length - 3} more` : '';
      return `${flag} ${hit.length} (${named.join(', ')}${more})`;
    })
    .filter((g): g is string => g !== undefined);
  return `${failures.length} of ${entries} service-regions ${failures.length === 1 ? 'fails' : 'fail'} the gate: ${groups.join('; ')}`;
}
