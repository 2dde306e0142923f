import { bucketLabel } from '../model/bucket.ts';
import { PLAN_FLAGS, type Plan, type PlanEntry } from './plan-schema.ts';

export const ratio = (x: number): string => x.toFixed(3);
export const pct = (x: number): string => `${x >= 0 ? '+' : ''}${(x * 100).toFixed(1)}%`;
/** A demand figure in a few characters: 950, 1.2k, 34k, 1.5M. */
export const compact = (x: number): string =>
  x >= 1e6 ? `${(x / 1e6).toFixed(1)}M` : x >= 1e4 ? `${Math.round(x / 1e3)}k` : x >= 1e3 ? `${(x / 1e3).toFixed(1)}k` : x >= 10 ? x.toFixed(0) : x.toFixed(2);

/** Uniform scaling is "off" for a service when it misses the weighted ratio by more than this. */
export const MISSCALE_THRESHOLD = 0.05;

export function uniformVerdict(e: PlanEntry): 'under-scales' | 'over-scales' | 'ok' {
  if (e.uniformError < -MISSCALE_THRESHOLD) return 'under-scales';
  if (e.uniformError > MISSCALE_THRESHOLD) return 'over-scales';
  return 'ok';
}

export function planHeadline(plan: Plan): string {
  const healthy = plan.healthyRegions.map((h) => `${h.region} ${(h.steeringWeight * 100).toFixed(0)}%`).join(', ');
  const window = plan.windowMinutes > 0 ? `, worst bucket of the next ${plan.windowMinutes} min` : '';
  return `Evacuation of ${plan.failedRegion} at ${plan.at} (bucket ${plan.bucket}, ${bucketLabel(plan.bucket, plan.bucketMinutes)} UTC${window}); traffic steered to ${healthy}`;
}

export interface PlanSummary {
  readonly entries: number;
  readonly exceedsMax: readonly PlanEntry[];
  readonly underScaled: readonly PlanEntry[];
  readonly overScaled: readonly PlanEntry[];
  readonly lowConfidence: readonly PlanEntry[];
}

export function summarizePlan(plan: Plan): PlanSummary {
  // One pass over the entries (a plan has thousands), each list in plan order.
  const exceedsMax: PlanEntry[] = [];
  const underScaled: PlanEntry[] = [];
  const overScaled: PlanEntry[] = [];
  const lowConfidence: PlanEntry[] = [];
  for (const e of plan.services) {
    if (e.flags.includes('exceeds-max')) exceedsMax.push(e);
    const verdict = uniformVerdict(e);
    if (verdict === 'under-scales') underScaled.push(e);
    else if (verdict === 'over-scales') overScaled.push(e);
    if (e.flags.some(isLowConfidenceFlag)) lowConfidence.push(e);
  }
  underScaled.sort((a, b) => a.uniformError - b.uniformError);
  overScaled.sort((a, b) => b.uniformError - a.uniformError);
  return { entries: plan.services.length, exceedsMax, underScaled, overScaled, lowConfidence };
}

function isLowConfidenceFlag(f: string): boolean {
  return f === 'low-samples' || f === 'no-traces' || f === 'pooled-buckets' || f === 'device-ratio-fallback';
}

export function flagLegend(plan: Plan): string[] {
  const used = new Set<string>();
  for (const e of plan.services) for (const f of e.flags) used.add(f);
  return Object.entries(PLAN_FLAGS)
    .filter(([f]) => used.has(f))
    .map(([f, meaning]) => `${f}: ${meaning}`);
}
