/**
 * Evacuation ratio of one device type in a healthy region r when region x fails:
 * rho[d] = (T[r,d] + w*T[x,d]) / T[r,d], where w is the fraction of x's traffic steered to r.
 * A missing T[x,d] counts as 0. Returns undefined when T[r,d] is missing or zero: the
 * caller falls back to the uniform ratio and flags it.
 */
export function deviceRatio(healthyTraffic: number | undefined, failedTraffic: number | undefined, weight: number): number | undefined {
  if (healthyTraffic === undefined || healthyTraffic <= 0) return undefined;
  return (healthyTraffic + weight * (failedTraffic ?? 0)) / healthyTraffic;
}
