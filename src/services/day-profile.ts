import type { LoadedConfig } from '../config/load-config.ts';
import { planUnits, resolveScope } from '../config/resolve-scope.ts';
import { bucketsPerDay } from '../model/bucket.ts';
import { evacuationRatio } from '../model/evacuation-ratio.ts';
import { lookbackWindow, sampleFilter } from '../model/lookback-window.ts';
import { type BucketCounts, traceShares } from '../model/trace-shares.ts';
import type { Plan, PlanEntry } from '../report/plan-schema.ts';
import type { LoadResult } from '../sources/data-source.ts';
import { buildPlanIndex, key, type PlanIndex, regionLevels } from './plan-index.ts';

/** How one service-region's evacuation ratio moves over the day, for the picture of the day. */
export interface DayProfile {
  readonly service: string;
  readonly region: string;
  readonly bucketMinutes: number;
  /** The bucket the plan is for (`plan.bucket`). */
  readonly plannedBucket: number;
  /** Per bucket of the day (index = bucket): the device-weighted ratio. */
  readonly weighted: readonly number[];
  /** Per bucket: the uniform ratio. */
  readonly uniform: readonly number[];
  /** Per bucket: the receiving region's nominal traffic now (all device types), or 0 with none. */
  readonly receiving: readonly number[];
  /** Per bucket: what it receives in the evacuation (its own plus its share of the failed region's). */
  readonly receivingEvacuated: readonly number[];
}

/**
 * Folds a load into the index of every bucket of the day for the plan's lookback window. Build
 * it once per (load, planned time) and ask `dayProfile` for as many entries as needed.
 */
export function dayIndex(loaded: LoadResult, plan: Plan): PlanIndex {
  let latest = Number.NEGATIVE_INFINITY;
  for (const s of loaded.data.traffic) if (s.t > latest) latest = s.t;
  const at = Date.parse(plan.at) / 1000;
  const window = lookbackWindow(at, latest, plan.lookbackDays);
  const all = new Set(Array.from({ length: bucketsPerDay(plan.bucketMinutes) }, (_, b) => b));
  return buildPlanIndex(loaded.data, sampleFilter(window, loaded.data.evacuations), plan.bucketMinutes, all);
}

/**
 * The weighted and uniform ratio of one plan entry at every bucket of the day, computed as the
 * plan computes them for its bucket (same trace pooling, same device ratios), and the receiving
 * region's traffic. O(buckets x device types).
 */
export function dayProfile(config: LoadedConfig, index: PlanIndex, plan: Plan, entry: PlanEntry): DayProfile {
  const service = config.services.find((s) => s.config.service === entry.baseService);
  const unit = service ? planUnits(service.config).find((u) => u.name === entry.service) : undefined;
  const scope = service && unit ? resolveScope(service.config, unit, entry.region) : undefined;
  const traceName = scope?.traceName ?? entry.service;
  const minSamples = scope?.minTraceSamples ?? config.evacuation.defaults.minTraceSamples;
  const counts = index.traceCounts.get(key(entry.region, traceName)) ?? new Map<string, BucketCounts>();
  const weighted: number[] = [];
  const uniform: number[] = [];
  const receiving: number[] = [];
  const receivingEvacuated: number[] = [];
  for (let b = 0; b < index.bucketCount; b++) {
    const healthy = regionLevels(index, entry.region, b);
    const failed = regionLevels(index, plan.failedRegion, b);
    const ratio = evacuationRatio(traceShares(counts, b, index.bucketCount, minSamples), { levels: healthy }, { levels: failed }, entry.steeringWeight);
    weighted.push(ratio.weightedRatio);
    uniform.push(ratio.uniformRatio);
    const own = sum(healthy.values());
    receiving.push(own);
    receivingEvacuated.push(own + entry.steeringWeight * sum(failed.values()));
  }
  return {
    service: entry.service,
    region: entry.region,
    bucketMinutes: plan.bucketMinutes,
    plannedBucket: plan.bucket,
    weighted,
    uniform,
    receiving,
    receivingEvacuated,
  };
}

function sum(values: Iterable<number | undefined>): number {
  let total = 0;
  for (const v of values) total += v ?? 0;
  return total;
}
