/**
 * The uniform (stream-starts-per-second style) evacuation ratio: total traffic after the
 * shift over total traffic now, ignoring device mix:
 * (sum_d T[r,d] + w * sum_d T[x,d]) / sum_d T[r,d]. Each sum runs over the device types
 * that region has; a missing level counts as 0. Undefined when the healthy region has no
 * traffic at all in the bucket.
 */
export function uniformRatio(healthyLevels: Iterable<number | undefined>, failedLevels: Iterable<number | undefined>, weight: number): number | undefined {
  const healthy = sum(healthyLevels);
  if (healthy <= 0) return undefined;
  return (healthy + weight * sum(failedLevels)) / healthy;
}

function sum(values: Iterable<number | undefined>): number {
  let total = 0;
  for (const v of values) total += v ?? 0;
  return total;
}
