import { BugError } from '../errors.ts';
import { bucketOf, bucketsPerDay } from '../model/bucket.ts';
import { type DayType, type DayTypes, regionZone, zoneDayTypes } from '../model/day-type.ts';
import { getOrInsert } from '../model/get-or-insert.ts';
import { type DayTypesByKey, NominalLevels } from '../model/nominal-level.ts';
import { NearestSample } from '../model/capacity-rescale.ts';
import { FoundLevels, type LevelLookup } from '../model/demand-levels.ts';
import type { BucketCounts } from '../model/trace-shares.ts';
import { type CapacityRecord, drainOnce, type PlanningData, type SeriesRows } from '../model/planning-data.ts';

const SEP = '\u0000';
export const key = (a: string, b: string): string => `${a}${SEP}${b}`;
/** The two parts of a key made by `key`. */
export const splitKey = (k: string): [string, string] => {
  const i = k.indexOf(SEP);
  return [k.slice(0, i), k.slice(i + 1)];
};

/**
 * `key(a, b)` without building a new string per sample: each pair's key is made once (a new
 * string's hash is computed again at every map lookup; a kept one's is cached).
 */
class Keys {
  private readonly byFirst = new Map<string, Map<string, string>>();

  of(a: string, b: string): string {
    let byB = this.byFirst.get(a);
    if (byB === undefined) {
      byB = new Map();
      this.byFirst.set(a, byB);
    }
    let k = byB.get(b);
    if (k === undefined) {
      k = key(a, b);
      byB.set(b, k);
    }
    return k;
  }
}

/**
 * Trace counts by bucket held compactly: only the buckets that have any (`slotOf`: bucket ->
 * slot, or -1), at `base` in a buffer shared by many series.
 */
export class SlabCounts implements BucketCounts {
  constructor(
    private readonly slab: Float64Array,
    private readonly base: number,
    private readonly slotOf: Int32Array,
  ) {}

  at(bucket: number): number | undefined {
    const slot = this.slotOf[bucket] ?? -1;
    return slot < 0 ? undefined : this.slab[this.base + slot];
  }

  add(bucket: number, count: number): void {
    const at = this.base + (this.slotOf[bucket] as number);
    this.slab[at] = (this.slab[at] as number) + count;
  }
}

/** Series x buckets of the day up to which traceSlab gives every bucket a slot (8 MB of counts). */
const FULL_DAY_SLOTS = 1 << 20;

/**
 * The buffer of SlabCounts for the trace series of `rows`: a slot for each bucket that holds a
 * sample `keep` takes (`slotOf`: bucket -> slot, or -1), `slots` of them per series; for few
 * series (up to FULL_DAY_SLOTS slots in all), a slot for every bucket of the day.
 */
export function traceSlab(
  rows: SeriesRows,
  keep: (t: number) => boolean,
  bucketMinutes: number,
): { readonly slab: Float64Array; readonly slotOf: Int32Array; readonly slots: number } {
  const bucketCount = bucketsPerDay(bucketMinutes);
  if (rows.names.length * bucketCount <= FULL_DAY_SLOTS) {
    // Few series: a slot for every bucket of the day (a count of 0 where none is kept, which every
    // reader of BucketCounts takes as it takes none), with no pass over the samples to find them.
    return { slab: new Float64Array(rows.names.length * bucketCount), slotOf: Int32Array.from({ length: bucketCount }, (_, b) => b), slots: bucketCount };
  }
  const slotOf = new Int32Array(bucketCount).fill(-1);
  let slots = 0;
  rows.forEach((_series, t) => {
    if (!keep(t)) return;
    const b = bucketOf(t, bucketMinutes);
    if (slotOf[b] === -1) slotOf[b] = slots++;
  });
  return { slab: new Float64Array(rows.names.length * slots), slotOf, slots };
}

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
  readonly traceCounts: ReadonlyMap<string, ReadonlyMap<string, BucketCounts>>;
  /** D[s,r,b]: key(region, service); found already when the data holds them (PlanningData.demandLevels). */
  readonly demand: LevelLookup;
  /** key(region, service). */
  readonly capacity: ReadonlyMap<string, CapacityRecord>;
  /** key(region, service) -> the demand sample nearest to the capacity's observation time, within one bucket. */
  readonly demandAtCapacity: ReadonlyMap<string, number>;
  readonly bucketCount: number;
  readonly bucketMinutes: number;
  /** `key(a, b)`, the same string each time for the same pair (a lookup by it hashes no new string). */
  readonly key: (a: string, b: string) => string;
}

export function buildPlanIndex(
  data: PlanningData,
  keep: (t: number) => boolean,
  bucketMinutes: number,
  buckets: ReadonlySet<number>,
  dayTypes?: DayTypes,
  /** Read traces and demand once, freeing a compact store as it goes (see Drainable): `data` is not to be read again. */
  drain = false,
): PlanIndex {
  const bucketCount = bucketsPerDay(bucketMinutes);
  // Keys start with the region: its zone decides the day type of each date (found once per key).
  const typeOf: DayTypesByKey | undefined = dayTypes ? { forKey: (k) => zoneDayTypes(regionZone(dayTypes, splitKey(k)[0])) } : undefined;
  const keys = new Keys();
  const traffic = new NominalLevels(bucketMinutes, buckets, typeOf);
  const devices = new Map<string, Set<string>>();
  const trafficRows = data.traffic.rows;
  if (trafficRows) {
    // Per series, not per sample: its key and its region's device set once.
    const adders = trafficRows.names.map(([region, device]) => {
      getOrInsert(devices, region as string, () => new Set<string>()).add(device as string);
      return traffic.adderOf(keys.of(region as string, device as string));
    });
    trafficRows.forEach((series, t, value) => {
      if (keep(t)) (adders[series] as (t: number, value: number) => void)(t, value);
    });
  } else {
    for (const s of data.traffic) {
      getOrInsert(devices, s.region, () => new Set<string>()).add(s.device);
      if (keep(s.t)) traffic.add(keys.of(s.region, s.device), s.t, s.value);
    }
  }

  const traceCounts = new Map<string, Map<string, BucketCounts>>();
  const traceRows = drain ? undefined : data.traces.rows;
  if (traceRows) {
    // A few buckets of the day have traces (those a plan read): each series holds a count for
    // those only, in one buffer (tens of thousands of series x every bucket would be tens of MB).
    const { slab, slotOf, slots } = traceSlab(traceRows, keep, bucketMinutes);
    const seriesCounts: (SlabCounts | undefined)[] = [];
    traceRows.forEach((series, t, count) => {
      if (!keep(t)) return;
      let counts = seriesCounts[series];
      if (counts === undefined) {
        // Once per series (tens of thousands): indexed reads and no closure made.
        const names = traceRows.names[series] as readonly string[];
        const k = keys.of(names[0] as string, names[1] as string);
        const device = names[2] as string;
        let byDevice = traceCounts.get(k);
        if (byDevice === undefined) {
          byDevice = new Map<string, BucketCounts>();
          traceCounts.set(k, byDevice);
        }
        counts = byDevice.get(device) as SlabCounts | undefined;
        if (counts === undefined) {
          counts = new SlabCounts(slab, series * slots, slotOf);
          byDevice.set(device, counts);
        }
        seriesCounts[series] = counts;
      }
      counts.add(bucketOf(t, bucketMinutes), count);
    });
  } else {
    for (const s of drain ? drainOnce(data.traces) : data.traces) {
      if (!keep(s.t)) continue;
      const byDevice = getOrInsert(traceCounts, keys.of(s.region, s.service), () => new Map<string, BucketCounts>());
      const counts = getOrInsert(byDevice, s.device, () => new Float64Array(bucketCount)) as Float64Array;
      const b = bucketOf(s.t, bucketMinutes);
      counts[b] = (counts[b] ?? 0) + s.count;
    }
  }
  // Device types in name order, not in order of first appearance: the shares are summed in
  // this order, so the last bits of a ratio must not depend on how a source ordered its rows.
  // (A map already in that order, as a file sorted by device gives them, is kept as it is.)
  for (const [k, byDevice] of traceCounts) {
    if (!inNameOrder(byDevice.keys())) traceCounts.set(k, new Map([...byDevice].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))));
  }

  const capacity = new Map<string, CapacityRecord>();
  const nearest = new Map<string, NearestSample>();
  for (const c of data.capacity) {
    const k = keys.of(c.region, c.service);
    capacity.set(k, c);
    if (c.observedAt !== undefined && c.observedAt !== null) nearest.set(k, new NearestSample(c.observedAt, bucketMinutes * 60));
  }

  const found = data.demandLevels;
  // A source gives levels only for samples the plan keeps every one of (level-columns.ts, levelsUsable).
  if (found && !(keep(found.span[0]) && keep(found.span[1]))) {
    throw new BugError(`demand levels found from samples (${found.span.join(' to ')}) the plan's lookback would leave out`);
  }
  const demand = found
    ? new FoundLevels(found, (names) => keys.of(names[0] as string, names[1] as string))
    : foldDemand(data, keep, bucketMinutes, buckets, typeOf, nearest, keys, drain);
  const demandAtCapacity = new Map<string, number>();
  if (found) {
    // Each observed capacity record's nearest sample, found with the levels (the last of a series wins, as in `nearest`).
    data.capacity.forEach((c, i) => {
      if (c.observedAt === undefined || c.observedAt === null) return;
      const value = found.atCapacity[i] ?? Number.NaN;
      const k = keys.of(c.region, c.service);
      if (Number.isNaN(value)) demandAtCapacity.delete(k);
      else demandAtCapacity.set(k, value);
    });
  } else for (const [k, n] of nearest) if (n.value !== undefined) demandAtCapacity.set(k, n.value);

  const devicesByRegion = new Map<string, string[]>();
  for (const [region, set] of devices) devicesByRegion.set(region, [...set].sort());
  return { traffic, devicesByRegion, traceCounts, demand, capacity, demandAtCapacity, bucketCount, bucketMinutes, key: (a, b) => keys.of(a, b) };
}

/** Demand folded from its samples into nominal levels, and each capacity record's nearest sample offered every sample. */
function foldDemand(
  data: PlanningData,
  keep: (t: number) => boolean,
  bucketMinutes: number,
  buckets: ReadonlySet<number>,
  typeOf: DayTypesByKey | undefined,
  nearest: ReadonlyMap<string, NearestSample>,
  keys: Keys,
  drain: boolean,
): NominalLevels {
  const demand = new NominalLevels(bucketMinutes, buckets, typeOf);
  const demandRows = drain ? undefined : data.demand.rows;
  if (demandRows) {
    const seriesKeys = demandRows.names.map(([region, service]) => keys.of(region as string, service as string));
    const adders = seriesKeys.map((k) => demand.adderOf(k));
    const seriesNearest = seriesKeys.map((k) => nearest.get(k));
    demandRows.forEach((series, t, value) => {
      if (keep(t)) (adders[series] as (t: number, value: number) => void)(t, value);
      // Any sample, in the lookback or not: the capacity may have been observed after the planned time.
      seriesNearest[series]?.offer(t, value);
    });
  } else {
    for (const s of drain ? drainOnce(data.demand) : data.demand) {
      const k = keys.of(s.region, s.service);
      if (keep(s.t)) demand.add(k, s.t, s.value);
      // Any sample, in the lookback or not: the capacity may have been observed after the planned time.
      if (nearest.size > 0) nearest.get(k)?.offer(s.t, s.value);
    }
  }
  return demand;
}

/** Whether names come in ascending order (as `<` orders strings). */
function inNameOrder(names: Iterable<string>): boolean {
  let previous: string | undefined;
  for (const name of names) {
    if (previous !== undefined && !(previous < name)) return false;
    previous = name;
  }
  return true;
}

/** Nominal traffic of every device type of a region at a bucket. */
export function regionLevels(index: PlanIndex, region: string, bucket: number): Map<string, number | undefined> {
  const levels = new Map<string, number | undefined>();
  for (const device of index.devicesByRegion.get(region) ?? []) levels.set(device, index.traffic.level(key(region, device), bucket));
  return levels;
}

/**
 * Nominal traffic of every device type of a region at a bucket, over the dates of `dayType`
 * (all dates when undefined), and whether any level fell back to all dates.
 */
export function regionLevelsOn(
  index: PlanIndex,
  region: string,
  bucket: number,
  dayType: DayType | undefined,
): { levels: Map<string, number | undefined>; fallback: boolean } {
  const levels = new Map<string, number | undefined>();
  let fallback = false;
  for (const device of index.devicesByRegion.get(region) ?? []) {
    const level = index.traffic.levelOn(key(region, device), bucket, dayType);
    levels.set(device, level?.value);
    if (level?.fallback) fallback = true;
  }
  return { levels, fallback };
}
