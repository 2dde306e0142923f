import { median } from 'simple-statistics';
import { bucketOf, utcDay } from './bucket.ts';
import { getOrInsert } from './get-or-insert.ts';

/**
 * Accumulates a time series per key into the nominal level of each time-of-day bucket:
 * the median over UTC dates of the mean of that date's samples in the bucket.
 *
 * Used for regional device traffic T[r,d,b] and for a service's demand metric. Only the
 * buckets asked for are kept, so one pass over months of samples stays cheap: O(n) to add,
 * O(k log k) per level for k dates.
 */
export class NominalLevels {
  // key -> bucket -> day -> [sum, count]
  private readonly acc = new Map<string, Map<number, Map<number, [number, number]>>>();

  constructor(
    private readonly bucketMinutes: number,
    private readonly buckets: ReadonlySet<number>,
  ) {}

  /** Adds one sample (already filtered to the lookback window). */
  add(key: string, t: number, value: number): void {
    const bucket = bucketOf(t, this.bucketMinutes);
    if (!this.buckets.has(bucket)) return;
    const byBucket = getOrInsert(this.acc, key, () => new Map<number, Map<number, [number, number]>>());
    const byDay = getOrInsert(byBucket, bucket, () => new Map<number, [number, number]>());
    const day = utcDay(t);
    const cell = byDay.get(day);
    if (cell) {
      cell[0] += value;
      cell[1] += 1;
    } else {
      byDay.set(day, [value, 1]);
    }
  }

  /** Every key that has at least one sample. */
  keys(): IterableIterator<string> {
    return this.acc.keys();
  }

  /** The nominal level of a key in a bucket, or undefined when no date has a sample there. */
  level(key: string, bucket: number): number | undefined {
    const byDay = this.acc.get(key)?.get(bucket);
    if (!byDay || byDay.size === 0) return undefined;
    return median(Array.from(byDay.values(), ([sum, count]) => sum / count));
  }
}
