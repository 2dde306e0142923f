/**
 * Nominal traffic a healthy region r carries in one bucket once region x has failed:
 * P[r,b] = sum_d T[r,d,b] + w * sum_d T[x,d,b], with w the fraction of x's traffic steered
 * to r. Each sum runs over the device types that region has; a missing level counts as 0,
 * so a region with no traffic in the bucket contributes nothing.
 *
 * @example postEvacuationTraffic([110, 60], [50, 100], 0.8) // 170 + 0.8 * 150 = 290
 */
export function postEvacuationTraffic(healthyLevels: Iterable<number | undefined>, failedLevels: Iterable<number | undefined>, weight: number): number {
  return sum(healthyLevels) + weight * sum(failedLevels);
}

/**
 * The bucket with the highest value: argmax_b values[b], ties to the earliest bucket. O(n).
 *
 * Used to pick the hour at which a receiving region is busiest after an evacuation.
 * @throws when there are no buckets
 * @example peakBucket([3, 7, 7, 1]) // 1
 */
export function peakBucket(values: ArrayLike<number>): number {
  if (values.length === 0) throw new Error('peakBucket requires at least one bucket');
  let best = 0;
  for (let b = 1; b < values.length; b++) if ((values[b] as number) > (values[best] as number)) best = b;
  return best;
}

function sum(values: Iterable<number | undefined>): number {
  let total = 0;
  for (const v of values) total += v ?? 0;
  return total;
}
