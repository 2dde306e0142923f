/** A region's total traffic (all device types) over one slice of an evacuation window. */
export interface TrafficSlice {
  /** Length of the slice, seconds. */
  readonly duration: number;
  /** Mean traffic observed during the slice. */
  readonly observed: number;
  /** Nominal traffic for the slice's bucket and day type, from the history before the evacuation. */
  readonly nominal: number;
}

/**
 * The fraction of a failed region's traffic a healthy region actually received during an
 * evacuation: its traffic gain over nominal divided by the traffic that left the failed
 * region, both integrated over the window,
 *   sum_k dur_k (obs[r,k] - nom[r,k]) / sum_k dur_k (nom[x,k] - obs[x,k]).
 * Null when no traffic left the failed region (nothing to attribute) or a series is missing.
 * Comparable to the configured steering weight; noise in the healthy region makes it
 * slightly off even when the steering is exact.
 */
export function observedSteering(receiving: readonly TrafficSlice[], failed: readonly TrafficSlice[]): number | null {
  if (receiving.length === 0 || failed.length === 0) return null;
  let gain = 0;
  for (const s of receiving) gain += s.duration * (s.observed - s.nominal);
  let left = 0;
  for (const s of failed) left += s.duration * (s.nominal - s.observed);
  if (!(left > 0)) return null;
  return gain / left;
}
