import { compareNames } from './name-order.ts';

/** One device type's part of a service's evacuation ratio. */
export interface DeviceContribution {
  readonly deviceType: string;
  /** S[d]: the service's share of requests from this device type. */
  readonly share: number;
  /** rho[d]: this device type's evacuation ratio. */
  readonly ratio: number;
  /** S[d] * rho[d]. */
  readonly contribution: number;
}

export interface WeightedRatio {
  readonly ratio: number;
  readonly contributions: readonly DeviceContribution[];
}

/** A device type's contribution to the weighted ratio: S[d] * rho[d]. */
export function deviceContribution(deviceType: string, share: number, ratio: number): DeviceContribution {
  return { deviceType, share, ratio, contribution: share * ratio };
}

/**
 * The device-type weighted evacuation ratio: sum_d S[d] * rho[d].
 * Contributions are listed largest first (ties by device name) so reports read top-down.
 * @throws when a device with a share has no ratio (a broken invariant: callers fill fallbacks first)
 */
export function weightedRatio(shares: ReadonlyMap<string, number>, ratios: ReadonlyMap<string, number>): WeightedRatio {
  const contributions: DeviceContribution[] = [];
  for (const [deviceType, share] of shares) {
    const rho = ratios.get(deviceType);
    if (rho === undefined) throw new Error(`weightedRatio requires a ratio for every device with a share (missing "${deviceType}")`);
    contributions.push(deviceContribution(deviceType, share, rho));
  }
  return weightedRatioOf(contributions);
}

/**
 * `weightedRatio` from the contributions themselves (deviceContribution of each device type with
 * a share, in the order of the shares): their sum, in that order, and the contributions put in
 * report order, largest first (ties by device name). Sorts `contributions` in place: the array
 * becomes the result's.
 */
export function weightedRatioOf(contributions: DeviceContribution[]): WeightedRatio {
  let ratio = 0;
  for (let i = 0; i < contributions.length; i++) ratio += (contributions[i] as DeviceContribution).contribution;
  inReportOrder(contributions);
  return { ratio, contributions };
}

/**
 * Largest contribution first, ties by device name: a stable insertion sort, so the order is the
 * one Array.prototype.sort (stable too) gives with the same comparison. A service has a handful
 * of device types, where the built-in sort costs a copy of the array and a call per comparison.
 */
function inReportOrder(contributions: DeviceContribution[]): void {
  for (let i = 1; i < contributions.length; i++) {
    const c = contributions[i] as DeviceContribution;
    let j = i - 1;
    for (; j >= 0 && reportsBefore(c, contributions[j] as DeviceContribution); j--) contributions[j + 1] = contributions[j] as DeviceContribution;
    contributions[j + 1] = c;
  }
}

function reportsBefore(a: DeviceContribution, b: DeviceContribution): boolean {
  return (b.contribution - a.contribution || compareNames(a.deviceType, b.deviceType)) < 0;
}

/**
 * 95% interval of the weighted ratio from trace sampling: the shares come from n sampled
 * requests, so the ratio is a mean of rho over n draws:
 * weighted ± 1.96 * sqrt(sum_d S[d]*(rho[d] - weighted)^2 / n).
 * The variance is summed from deviations (never negative, no cancellation of large squares),
 * and the interval is clamped to [min_d rho[d], max_d rho[d]]: a weighted mean cannot leave
 * the range of what it averages, so with few (or fractional) samples the bounds stay ratios.
 * Requires n > 0.
 */
export function weightedRatioInterval(weighted: WeightedRatio, n: number): [number, number] {
  if (!(n > 0)) throw new Error('weightedRatioInterval requires at least one trace sample');
  let variance = 0;
  let lowest = Number.POSITIVE_INFINITY;
  let highest = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < weighted.contributions.length; i++) {
    const c = weighted.contributions[i] as DeviceContribution;
    const deviation = c.ratio - weighted.ratio;
    variance += c.share * deviation * deviation;
    lowest = Math.min(lowest, c.ratio);
    highest = Math.max(highest, c.ratio);
  }
  if (weighted.contributions.length === 0) return [weighted.ratio, weighted.ratio];
  const half = 1.96 * Math.sqrt(variance / n);
  // Rounding can put the sum a hair outside [lowest, highest]: the interval always holds the ratio.
  return [Math.min(weighted.ratio, Math.max(lowest, weighted.ratio - half)), Math.max(weighted.ratio, Math.min(highest, weighted.ratio + half))];
}
