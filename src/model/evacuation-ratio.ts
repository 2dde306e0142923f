import { deviceRatio } from './device-ratio.ts';
import type { TraceShares } from './trace-shares.ts';
import { uniformRatio } from './uniform-ratio.ts';
import { type DeviceContribution, weightedRatio, weightedRatioInterval } from './weighted-ratio.ts';

export type RatioFlag = 'device-ratio-fallback' | 'no-regional-traffic' | 'no-history' | 'unbounded-ratio';

export interface RegionTraffic {
  /** Nominal traffic T[region, d, b0] of every device type the region has (undefined: no samples in the bucket). */
  readonly levels: ReadonlyMap<string, number | undefined>;
}

export interface EvacuationRatio {
  readonly weightedRatio: number;
  readonly uniformRatio: number;
  /** 95% interval from trace sampling; with no traces, the range of the device ratios. */
  readonly ci95: readonly [number, number];
  readonly contributions: readonly DeviceContribution[];
  readonly flags: readonly RatioFlag[];
}

/**
 * A service's device-type weighted evacuation ratio in a healthy region at one bucket.
 *
 * For each device type with a share: rho[d] = (T[r,d] + w*T[x,d]) / T[r,d]; where T[r,d] is
 * missing or zero the uniform ratio stands in (flag `device-ratio-fallback`). The weighted
 * ratio is sum_d S[d]*rho[d]; with no traces it is the uniform ratio and its interval spans
 * the device ratios of the region, since the mix is unknown. If the healthy region has no
 * traffic at all, every ratio is 1 (flag `no-regional-traffic`): nothing can be scaled from it.
 *
 * When traffic is steered (w > 0) but the healthy or the failed region has no sample at all in
 * the bucket (every level undefined), the ratio is not "1": it is unknown, flag `no-history`.
 * A region with samples of value 0 has history (and, failed, contributes nothing).
 *
 * When traffic is steered (w > 0) and both regions have history, but the healthy region's
 * samples are all 0 while the failed region sends w * sum_d T[x,d] > 0, the region receives
 * traffic on a zero baseline: the ratio is unbounded (x / 0), not 1, flag `unbounded-ratio`
 * (the reported ratio stays 1, as for `no-history`). With the failed region at 0 as well
 * nothing moves and ratio 1 is right (`no-regional-traffic` only).
 */
export function evacuationRatio(shares: TraceShares, healthy: RegionTraffic, failed: RegionTraffic, weight: number): EvacuationRatio {
  const flags: RatioFlag[] = [];
  const uniformOrUndefined = uniformRatio(healthy.levels.values(), failed.levels.values(), weight);
  if (uniformOrUndefined === undefined) flags.push('no-regional-traffic');
  if (weight > 0 && (!hasHistory(healthy) || !hasHistory(failed))) flags.push('no-history');
  else if (isUnbounded(healthy, failed, weight)) flags.push('unbounded-ratio');
  const uniform = uniformOrUndefined ?? 1;

  const ratioOf = (device: string): number => {
    const rho = deviceRatio(healthy.levels.get(device), failed.levels.get(device), weight);
    if (rho !== undefined) return rho;
    if (!flags.includes('device-ratio-fallback')) flags.push('device-ratio-fallback');
    return uniform;
  };

  if (shares.total === 0) {
    const regional = Array.from(healthy.levels.keys(), (d) => deviceRatio(healthy.levels.get(d), failed.levels.get(d), weight)).filter(
      (r): r is number => r !== undefined,
    );
    const ci95: [number, number] = regional.length > 0 ? [Math.min(uniform, ...regional), Math.max(uniform, ...regional)] : [uniform, uniform];
    return { weightedRatio: uniform, uniformRatio: uniform, ci95, contributions: [], flags };
  }

  const ratios = new Map<string, number>();
  for (const device of shares.shares.keys()) ratios.set(device, ratioOf(device));
  const weighted = weightedRatio(shares.shares, ratios);
  return {
    weightedRatio: weighted.ratio,
    uniformRatio: uniform,
    ci95: weightedRatioInterval(weighted, shares.total),
    contributions: weighted.contributions,
    flags,
  };
}

/** Whether a region has at least one sample in the bucket, of any device type. */
export function hasHistory(region: RegionTraffic): boolean {
  for (const level of region.levels.values()) if (level !== undefined) return true;
  return false;
}

/**
 * Whether the healthy region would receive traffic on a zero baseline: w > 0, the healthy
 * region has samples in the bucket and they are all 0, and w * sum_d T[x,d] > 0.
 */
export function isUnbounded(healthy: RegionTraffic, failed: RegionTraffic, weight: number): boolean {
  if (!(weight > 0) || !hasHistory(healthy)) return false;
  let healthyTotal = 0;
  for (const level of healthy.levels.values()) healthyTotal += level ?? 0;
  if (healthyTotal > 0) return false;
  let failedTotal = 0;
  for (const level of failed.levels.values()) failedTotal += level ?? 0;
  return weight * failedTotal > 0;
}
