import type { DayType } from './day-type.ts';
import { type DayTypeLevel, NominalLevels } from './nominal-level.ts';

/**
 * Services' nominal demand per time-of-day bucket, found already from the same samples a plan
 * would fold (a precomputed directory keeps them beside its rows: src/sources/bucket-columns.ts),
 * so that a plan of thousands of services looks levels up instead of folding every date's
 * sample. Each value is what NominalLevels.levelOn gives for those samples, bit for bit: the
 * levels are made by NominalLevels itself (levelBlock).
 */
export interface DemandLevels {
  /** Each series' names: [region, service]. */
  readonly series: readonly (readonly string[])[];
  /** The buckets read, each with its levels. */
  readonly buckets: ReadonlyMap<number, LevelBlock>;
  /**
   * Per capacity record of the planning data, in its order: the demand sample nearest its
   * observation time, within one bucket (NearestSample); NaN: none, or no observation time.
   */
  readonly atCapacity: Float64Array;
  /** The earliest and latest time of the samples they were found from: a plan must keep both (and every sample between). */
  readonly span: readonly [number, number];
}

/** One bucket's levels: per row, a series (an index into DemandLevels.series) and its levels. */
export interface LevelBlock {
  readonly series: Int32Array;
  /** Over all dates. */
  readonly all: Float64Array;
  /** Over weekdays, and over weekends (each the median of all dates when too few of its type: see `fallback`). */
  readonly weekday: Float64Array;
  readonly weekend: Float64Array;
  /** Bit 0: the weekday level fell back to all dates; bit 1: the weekend one. */
  readonly fallback: Uint8Array;
}

/** What a plan asks of demand levels, whether folded from samples (NominalLevels) or found already (FoundLevels). */
export interface LevelLookup {
  levelOn(key: string, bucket: number, dayType: DayType | undefined): DayTypeLevel | undefined;
}

/** One bucket's samples as columns: `n` rows of a series number, a time and a value. */
export interface BucketRows {
  readonly n: number;
  readonly series: Int32Array;
  readonly t: Float64Array;
  readonly v: Float64Array;
}

/**
 * The levels of one bucket's samples, as NominalLevels finds them: each series' level over all
 * dates, and over weekdays and weekends (with their fallback), its dates' day types given by
 * `dayTypeOf(series)` (the series' region's zone). Series in the order their first sample comes.
 */
export function levelBlock(rows: BucketRows, bucket: number, bucketMinutes: number, dayTypeOf: (series: number) => (t: number) => DayType): LevelBlock {
  const levels = new NominalLevels(bucketMinutes, new Set([bucket]), { forKey: (k) => dayTypeOf(Number(k)) });
  const adders: ((t: number, value: number) => void)[] = [];
  const order: number[] = [];
  for (let i = 0; i < rows.n; i++) {
    const s = rows.series[i] as number;
    let add = adders[s];
    if (add === undefined) {
      add = levels.adderOf(String(s));
      adders[s] = add;
      order.push(s);
    }
    add(rows.t[i] as number, rows.v[i] as number);
  }
  const n = order.length;
  const block: LevelBlock = {
    series: Int32Array.from(order),
    all: new Float64Array(n),
    weekday: new Float64Array(n),
    weekend: new Float64Array(n),
    fallback: new Uint8Array(n),
  };
  for (let r = 0; r < n; r++) {
    const key = String(order[r]);
    const all = levels.levelOn(key, bucket, undefined);
    const weekday = levels.levelOn(key, bucket, 'weekday');
    const weekend = levels.levelOn(key, bucket, 'weekend');
    // Every series here has a sample in the bucket: each level is found.
    if (!all || !weekday || !weekend) throw new Error(`levelBlock: series ${key} has no level in bucket ${bucket}`);
    block.all[r] = all.value;
    block.weekday[r] = weekday.value;
    block.weekend[r] = weekend.value;
    block.fallback[r] = (weekday.fallback ? 1 : 0) | (weekend.fallback ? 2 : 0);
  }
  return block;
}

/**
 * Demand levels found already, looked up by the plan's series keys (`keyOf` of a series'
 * names), as NominalLevels is: undefined for a series with no sample in the bucket, or a
 * bucket not read.
 */
export class FoundLevels implements LevelLookup {
  private readonly ids = new Map<string, number>();
  /** Per bucket: series number -> its row in the bucket's block, or -1 (made when first asked). */
  private readonly rows = new Map<number, Int32Array>();

  constructor(
    private readonly levels: DemandLevels,
    keyOf: (names: readonly string[]) => string,
  ) {
    levels.series.forEach((names, s) => {
      this.ids.set(keyOf(names), s);
    });
  }

  levelOn(key: string, bucket: number, dayType: DayType | undefined): DayTypeLevel | undefined {
    const id = this.ids.get(key);
    const block = this.levels.buckets.get(bucket);
    if (id === undefined || block === undefined) return undefined;
    const row = this.rowsOf(bucket, block)[id] ?? -1;
    if (row < 0) return undefined;
    if (dayType === undefined) return { value: block.all[row] as number, fallback: false };
    const flags = block.fallback[row] as number;
    return dayType === 'weekday'
      ? { value: block.weekday[row] as number, fallback: (flags & 1) !== 0 }
      : { value: block.weekend[row] as number, fallback: (flags & 2) !== 0 };
  }

  private rowsOf(bucket: number, block: LevelBlock): Int32Array {
    let rows = this.rows.get(bucket);
    if (rows === undefined) {
      rows = new Int32Array(this.levels.series.length).fill(-1);
      for (let r = 0; r < block.series.length; r++) rows[block.series[r] as number] = r;
      this.rows.set(bucket, rows);
    }
    return rows;
  }
}
