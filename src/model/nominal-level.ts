import { median } from 'simple-statistics';
import { bucketOf, utcDay } from './bucket.ts';
import type { DayType } from './day-type.ts';
import { getOrInsert } from './get-or-insert.ts';

/** A nominal level for one day type, and whether it had to use all dates instead. */
export interface DayTypeLevel {
  readonly value: number;
  /** Fewer than MIN_DATES_PER_DAY_TYPE dates of the day type had samples: all dates were used. */
  readonly fallback: boolean;
}

/** Dates of a day type a level needs before it is trusted over the median of all dates. */
export const MIN_DATES_PER_DAY_TYPE = 2;

/** Says which day type a series' date is, given the series key and the start of its bucket that date. */
export type DayTypeOf = (key: string, t: number) => DayType;

// [sum, count, 1 when the date is a weekend for this series]
type Cell = [number, number, number];

/**
 * Accumulates a time series per key into the nominal level of each time-of-day bucket:
 * the median over UTC dates of the mean of that date's samples in the bucket, over all dates
 * (`level`) or over the dates of one day type (`levelOn`).
 *
 * Used for regional device traffic T[r,d,b] and for a service's demand metric. Only the
 * buckets asked for are kept, so one pass over months of samples stays cheap: O(n) to add,
 * O(k log k) per level for k dates. A date's day type is decided once, at the start of its
 * bucket (in the series' time zone, through `dayTypeOf`).
 */
export class NominalLevels {
  // key -> bucket -> day -> cell
  private readonly acc = new Map<string, Map<number, Map<number, Cell>>>();

  constructor(
    private readonly bucketMinutes: number,
    private readonly buckets: ReadonlySet<number>,
    private readonly dayTypeOf?: DayTypeOf,
  ) {}

  /** Adds one sample (already filtered to the lookback window). */
  add(key: string, t: number, value: number): void {
    const bucket = bucketOf(t, this.bucketMinutes);
    if (!this.buckets.has(bucket)) return;
    const byBucket = getOrInsert(this.acc, key, () => new Map<number, Map<number, Cell>>());
    const byDay = getOrInsert(byBucket, bucket, () => new Map<number, Cell>());
    const day = utcDay(t);
    const cell = byDay.get(day);
    if (cell) {
      cell[0] += value;
      cell[1] += 1;
    } else {
      const weekend = this.dayTypeOf?.(key, day * 86_400 + bucket * this.bucketMinutes * 60) === 'weekend' ? 1 : 0;
      byDay.set(day, [value, 1, weekend]);
    }
  }

  /** Every key that has at least one sample. */
  keys(): IterableIterator<string> {
    return this.acc.keys();
  }

  /** The nominal level of a key in a bucket over all dates, or undefined when no date has a sample there. */
  level(key: string, bucket: number): number | undefined {
    const byDay = this.acc.get(key)?.get(bucket);
    if (!byDay || byDay.size === 0) return undefined;
    return median(Array.from(byDay.values(), ([sum, count]) => sum / count));
  }

  /**
   * The nominal level of a key in a bucket over the dates of `dayType`: the median of their
   * means when at least MIN_DATES_PER_DAY_TYPE dates of that type have samples, else the
   * median over all dates, marked `fallback`. Without a day type, all dates (never a fallback).
   * Undefined when no date has a sample.
   */
  levelOn(key: string, bucket: number, dayType: DayType | undefined): DayTypeLevel | undefined {
    const byDay = this.acc.get(key)?.get(bucket);
    if (!byDay || byDay.size === 0) return undefined;
    const all: number[] = [];
    const same: number[] = [];
    const weekend = dayType === 'weekend' ? 1 : 0;
    for (const [sum, count, w] of byDay.values()) {
      all.push(sum / count);
      if (w === weekend) same.push(sum / count);
    }
    if (dayType === undefined) return { value: median(all), fallback: false };
    if (same.length >= MIN_DATES_PER_DAY_TYPE) return { value: median(same), fallback: false };
    return { value: median(all), fallback: true };
  }

  /** Each date's mean in a bucket: [UTC day number, mean], in insertion order. */
  *dates(key: string, bucket: number): Generator<[number, number]> {
    const byDay = this.acc.get(key)?.get(bucket);
    if (!byDay) return;
    for (const [day, [sum, count]] of byDay) yield [day, sum / count];
  }
}
