import type { PlanEntry } from '../../src/report/plan-schema.ts';

/** What the operator can do about an entry's flags, one line each (empty when nothing). */
export function remedies(e: PlanEntry): string[] {
  const out: string[] = [];
  const where = e.configFile ?? `a new services/${e.baseService}.yaml`;
  if (e.flags.includes('exceeds-max')) out.push(`raise MaxCapacity to ${e.requiredCapacity ?? '?'} or set allowMaxIncrease in ${where}`);
  if (e.flags.includes('capacity-unknown')) out.push('no capacity data: check the capacity metric (or capacity.csv) for this service-region');
  if (e.flags.includes('no-scalable-target')) out.push(`add a scalableTarget to ${where}: apply cannot pre-scale it`);
  if (e.flags.includes('low-samples') || e.flags.includes('no-traces'))
    out.push('few traces: the ratio leans on the uniform one; compare the interval before trusting it');
  if (e.flags.includes('region-unreachable') || e.flags.includes('failed-region-unreachable'))
    out.push('a region could not be read: retry, or plan from a precomputed --history DIR');
  return out;
}
