import { bucketLabel } from '../model/bucket.ts';
import { PLAN_FLAGS, type Plan, type PlanEntry } from './plan-schema.ts';
import type { Column } from './text-table.ts';

export const ratio = (x: number): string => x.toFixed(3);
export const pct = (x: number): string => `${x >= 0 ? '+' : ''}${(x * 100).toFixed(1)}%`;
const num = (x: number | null): string => (x === null ? '?' : String(x));
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

/** The columns of the plan table, shared by the text and Markdown renderers. */
export const PLAN_COLUMNS: readonly Column<PlanEntry>[] = [
  { header: 'service', value: (e) => e.service },
  { header: 'region', value: (e) => e.region },
  { header: 'weighted', value: (e) => ratio(e.weightedRatio), align: 'right' },
  { header: '95% CI', value: (e) => `${ratio(e.ci95[0])}-${ratio(e.ci95[1])}`, align: 'right', dropOrder: 4 },
  { header: 'uniform', value: (e) => ratio(e.uniformRatio), align: 'right' },
  { header: 'uniform vs weighted', value: (e) => `${pct(e.uniformError)} ${uniformVerdict(e) === 'ok' ? '' : uniformVerdict(e)}`.trim() },
  { header: 'traces', value: (e) => String(Math.round(e.traceSamples)), align: 'right', dropOrder: 3 },
  { header: 'current', value: (e) => num(e.currentCapacity), align: 'right', dropOrder: 5 },
  { header: 'min -> target', value: (e) => `${num(e.minCapacity)} -> ${num(e.targetMinCapacity)}`, align: 'right' },
  { header: 'required', value: (e) => num(e.requiredCapacity), align: 'right', dropOrder: 2 },
  {
    header: 'max',
    value: (e) =>
      e.targetMaxCapacity !== null && e.targetMaxCapacity !== e.maxCapacity ? `${num(e.maxCapacity)} -> ${e.targetMaxCapacity}` : num(e.maxCapacity),
    align: 'right',
  },
  {
    header: 'demand now -> evac',
    value: (e) => (e.demand ? `${compact(e.demand.nominal)} -> ${compact(e.demand.predicted)}` : '?'),
    align: 'right',
    dropOrder: 1,
  },
  {
    header: 'top devices',
    dropOrder: 0,
    value: (e) =>
      e.deviceContributions
        .slice(0, 3)
        .map((c) => `${c.deviceType} ${(c.share * 100).toFixed(0)}%`)
        .join(', '),
  },
  { header: 'flags', value: (e) => e.flags.join(' ') },
];

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
  const s = plan.services;
  return {
    entries: s.length,
    exceedsMax: s.filter((e) => e.flags.includes('exceeds-max')),
    underScaled: s.filter((e) => uniformVerdict(e) === 'under-scales').sort((a, b) => a.uniformError - b.uniformError),
    overScaled: s.filter((e) => uniformVerdict(e) === 'over-scales').sort((a, b) => b.uniformError - a.uniformError),
    lowConfidence: s.filter((e) => e.flags.some((f) => f === 'low-samples' || f === 'no-traces' || f === 'pooled-buckets' || f === 'device-ratio-fallback')),
  };
}

export function flagLegend(plan: Plan): string[] {
  const used = new Set(plan.services.flatMap((e) => e.flags));
  return Object.entries(PLAN_FLAGS)
    .filter(([f]) => used.has(f as keyof typeof PLAN_FLAGS))
    .map(([f, meaning]) => `${f}: ${meaning}`);
}
