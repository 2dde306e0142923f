import { bucketOf, bucketsPerDay } from '../model/bucket.ts';
import { getOrInsert } from '../model/get-or-insert.ts';
import { NominalLevels } from '../model/nominal-level.ts';
import type { CapacityRecord, PlanningData } from '../model/planning-data.ts';

const SEP = '\u0000';
export const key = (a: string, b: string): string => `${a}${SEP}${b}`;
/** The two parts of a key made by `key`. */
export const splitKey = (k: string): [string, string] => {
  const i = k.indexOf(SEP);
  return [k.slice(0, i), k.slice(i + 1)];
};

/**
 * The planning data folded once into what the ratio math looks up: nominal levels for the
 * window's buckets, trace counts per bucket, device types per region, capacity rows.
 * Built in one pass per series so that planning stays linear in the number of samples.
 */
export interface PlanIndex {
  /** T[r,d,b]: key(region, device). */
  readonly traffic: NominalLevels;
  /** Device types each region has anywhere in the traffic data. */
  readonly devicesByRegion: ReadonlyMap<string, readonly string[]>;
  /** key(region, traceName) -> device -> count per bucket. */
  readonly traceCounts: ReadonlyMap<string, ReadonlyMap<string, Float64Array>>;
  /** D[s,r,b]: key(region, service). */
  readonly demand: NominalLevels;
  /** key(region, service). */
  readonly capacity: ReadonlyMap<string, CapacityRecord>;
  readonly bucketCount: number;
}

export function buildPlanIndex(data: PlanningData, keep: (t: number) => boolean, bucketMinutes: number, buckets: ReadonlySet<number>): PlanIndex {
  const bucketCount = bucketsPerDay(bucketMinutes);
  const traffic = new NominalLevels(bucketMinutes, buckets);
  const devices = new Map<string, Set<string>>();
  for (const s of data.traffic) {
    getOrInsert(devices, s.region, () => new Set<string>()).add(s.device);
    if (keep(s.t)) traffic.add(key(s.region, s.device), s.t, s.value);
  }

  const traceCounts = new Map<string, Map<string, Float64Array>>();
  for (const s of data.traces) {
    if (!keep(s.t)) continue;
    const byDevice = getOrInsert(traceCounts, key(s.region, s.service), () => new Map<string, Float64Array>());
    const counts = getOrInsert(byDevice, s.device, () => new Float64Array(bucketCount));
    const b = bucketOf(s.t, bucketMinutes);
    counts[b] = (counts[b] ?? 0) + s.count;
  }
  // Device types in name order, not in order of first appearance: the shares are summed in
  // this order, so the last bits of a ratio must not depend on how a source ordered its rows.
  for (const [k, byDevice] of traceCounts) traceCounts.set(k, new Map([...byDevice].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))));

  const demand = new NominalLevels(bucketMinutes, buckets);
  for (const s of data.demand) if (keep(s.t)) demand.add(key(s.region, s.service), s.t, s.value);

  const capacity = new Map<string, CapacityRecord>();
  for (const c of data.capacity) capacity.set(key(c.region, c.service), c);

  const devicesByRegion = new Map<string, string[]>();
  for (const [region, set] of devices) devicesByRegion.set(region, [...set].sort());
  return { traffic, devicesByRegion, traceCounts, demand, capacity, bucketCount };
}

/** Nominal traffic of every device type of a region at a bucket. */
export function regionLevels(index: PlanIndex, region: string, bucket: number): Map<string, number | undefined> {
  const levels = new Map<string, number | undefined>();
  for (const device of index.devicesByRegion.get(region) ?? []) levels.set(device, index.traffic.level(key(region, device), bucket));
  return levels;
}
