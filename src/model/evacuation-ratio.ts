import { deviceRatio } from './device-ratio.ts';
import type { TraceShares } from './trace-shares.ts';
import { uniformRatio } from './uniform-ratio.ts';
import { type DeviceContribution, deviceContribution, weightedRatioInterval, weightedRatioOf } from './weighted-ratio.ts';

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
 *
 * The same as `serviceRatio(shares, regionRatios(healthy, failed, weight))`: a plan finds the
 * region's part once for all its services.
 */
export function evacuationRatio(shares: TraceShares, healthy: RegionTraffic, failed: RegionTraffic, weight: number): EvacuationRatio {
  return serviceRatio(shares, regionRatios(healthy, failed, weight));
}

/**
 * The part of the evacuation ratios of a healthy region at one bucket that is the same for every
 * service (see evacuationRatio): its uniform ratio, each device type's ratio and the region's flags.
 */
export interface RegionRatios {
  /** The uniform ratio; 1 when the healthy region has no traffic (flag `no-regional-traffic`). */
  readonly uniformRatio: number;
  /** rho[d] of each device type of the healthy region; undefined where T[r,d] is missing or 0. */
  readonly deviceRatios: ReadonlyMap<string, number | undefined>;
  /** The lowest and the highest of the uniform ratio and the device ratios: the interval when there are no traces. */
  readonly range: readonly [number, number];
  /** `no-regional-traffic`, then `no-history` or `unbounded-ratio`: the region's, whatever the service. */
  readonly flags: readonly RatioFlag[];
}

/** The region's part of its services' evacuation ratios at a bucket (see evacuationRatio). O(device types). */
export function regionRatios(healthy: RegionTraffic, failed: RegionTraffic, weight: number): RegionRatios {
  const flags: RatioFlag[] = [];
  const uniformOrUndefined = uniformRatio(healthy.levels.values(), failed.levels.values(), weight);
  if (uniformOrUndefined === undefined) flags.push('no-regional-traffic');
  if (weight > 0 && (!hasHistory(healthy) || !hasHistory(failed))) flags.push('no-history');
  else if (isUnbounded(healthy, failed, weight)) flags.push('unbounded-ratio');
  const uniform = uniformOrUndefined ?? 1;
  const deviceRatios = new Map<string, number | undefined>();
  let lowest = uniform;
  let highest = uniform;
  for (const [device, level] of healthy.levels) {
    const rho = deviceRatio(level, failed.levels.get(device), weight);
    deviceRatios.set(device, rho);
    if (rho !== undefined) {
      lowest = Math.min(lowest, rho);
      highest = Math.max(highest, rho);
    }
  }
  return { uniformRatio: uniform, deviceRatios, range: [lowest, highest], flags };
}

/**
 * A service's evacuation ratio from its trace shares and its region's part (regionRatios): the
 * weighted ratio of the device ratios, the uniform ratio standing in where a device type has none
 * (flag `device-ratio-fallback`, after the region's flags); with no traces, the uniform ratio
 * and the region's range. The arrays returned are new (the caller may keep them), except `flags`.
 */
export function serviceRatio(shares: TraceShares, region: RegionRatios): EvacuationRatio {
  const uniform = region.uniformRatio;
  if (shares.total === 0)
    return { weightedRatio: uniform, uniformRatio: uniform, ci95: [region.range[0], region.range[1]], contributions: [], flags: region.flags };
  const contributions: DeviceContribution[] = new Array(shares.shares.size);
  let fallback = false;
  let i = 0;
  shares.shares.forEach((share, device) => {
    let rho = region.deviceRatios.get(device);
    if (rho === undefined) {
      rho = uniform;
      fallback = true;
    }
    contributions[i++] = deviceContribution(device, share, rho);
  });
  const weighted = weightedRatioOf(contributions);
  return {
    weightedRatio: weighted.ratio,
    uniformRatio: uniform,
    ci95: weightedRatioInterval(weighted, shares.total),
    contributions: weighted.contributions,
    flags: fallback ? [...region.flags, 'device-ratio-fallback'] : region.flags,
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
