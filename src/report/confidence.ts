import type { Plan, PlanEntry, PlanFlag } from './plan-schema.ts';
import { summarizePlan } from './plan-view.ts';
import type { ConfidenceReason, LowConfidence } from './report-schema.ts';

/** A 95% interval is "wide" when its half-width is above this fraction of the ratio. */
export const WIDE_INTERVAL = 0.1;

/** Half-width of an entry's 95% interval over its weighted ratio: (hi - lo) / 2 / ratio; 0 for a ratio of 0. */
export function relativeHalfWidth(entry: Pick<PlanEntry, 'ci95' | 'weightedRatio'>): number {
  if (entry.weightedRatio === 0) return 0;
  return (entry.ci95[1] - entry.ci95[0]) / 2 / entry.weightedRatio;
}

const FLAG_REASONS = ['no-traces', 'low-samples', 'pooled-buckets', 'device-ratio-fallback'] as const satisfies readonly (ConfidenceReason & PlanFlag)[];

/**
 * The entries of a plan whose ratio is not to be trusted much: the plan's own low-confidence
 * entries (trace flags low-samples, pooled-buckets, no-traces; device-ratio-fallback, where a
 * device type's ratio is the uniform stand-in) and those whose interval is wide
 * (relativeHalfWidth > wideInterval). In plan order.
 */
export function lowConfidenceEntries(plan: Plan, wideInterval: number = WIDE_INTERVAL): LowConfidence[] {
  const flagged = new Set(summarizePlan(plan).lowConfidence);
  const out: LowConfidence[] = [];
  for (const e of plan.services) {
    const width = relativeHalfWidth(e);
    const reasons: ConfidenceReason[] = flagged.has(e) ? FLAG_REASONS.filter((r) => e.flags.includes(r)) : [];
    if (width > wideInterval) reasons.push('wide-interval');
    if (reasons.length === 0) continue;
    out.push({
      service: e.service,
      region: e.region,
      bucket: e.bucket,
      reasons,
      traceSamples: e.traceSamples,
      weightedRatio: e.weightedRatio,
      relativeHalfWidth: width,
    });
  }
  return out;
}
