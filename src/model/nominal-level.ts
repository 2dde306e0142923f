import { median } from 'simple-statistics';
import { bucketOf, bucketsPerDay, utcDay } from './bucket.ts';
import type { DayType } from './day-type.ts';

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

/**
 * A DayTypeOf that is asked once per key for that key's function of the time (a key's zone found
 * once, not per cell): give NominalLevels `{ forKey }` instead of a DayTypeOf.
 */
export interface DayTypesByKey {
  forKey(key: string): (t: number) => DayType;
}

/**
 * Accumulates a time series per key into the nominal level of each time-of-day bucket:
 * the median over UTC dates of the mean of that date's samples in the bucket, over all dates
 * (`level`) or over the dates of one day type (`levelOn`).
 *
 * Used for regional device traffic T[r,d,b] and for a service's demand metric. Only the
 * buckets asked for are kept, so one pass over months of samples stays cheap: O(n) to add,
 * O(k log k) per level for k dates. A date's day type is decided once, at the start of its
 * bucket (in the series' time zone, through `dayTypeOf`).
 *
 * Stored compactly, as `evac precompute` keeps every bucket of thousands of series (10M cells
 * take about 25 bytes each): one cell per (key, bucket, date) in chunks of typed arrays, the
 * cells of a (key, bucket) chained in the order their dates were first seen.
 */
export class NominalLevels {
  private readonly ids = new Map<string, number>();
  /** Bucket -> its slot among the buckets kept, or -1. */
  private readonly slotOf: Int32Array;
  private readonly slots: number;
  /** Per (key id, slot): its first and last cell, or -1. */
  private head = new Int32Array(0);
  private tail = new Int32Array(0);
  /** Per (key id, slot): 1 while its cells' dates were added in ascending order. */
  private ascending = new Uint8Array(0);
  private cells = 0;
  /** The cells, CELL_CHUNK at a time: growing never copies (nor holds the cells twice). */
  private readonly chunks: CellChunk[] = [];

  constructor(
    private readonly bucketMinutes: number,
    buckets: ReadonlySet<number>,
    dayTypeOf?: DayTypeOf | DayTypesByKey,
  ) {
    this.slotOf = new Int32Array(bucketsPerDay(bucketMinutes)).fill(-1);
    let slots = 0;
    for (const b of [...buckets].sort((x, y) => x - y)) if (b >= 0 && b < this.slotOf.length) this.slotOf[b] = slots++;
    this.slots = slots;
    this.byKey = dayTypeOf === undefined ? undefined : typeof dayTypeOf === 'function' ? { forKey: (key) => (t) => dayTypeOf(key, t) } : dayTypeOf;
  }

  /** How day types are found, per key (see DayTypesByKey), and each key's function, by key id. */
  private readonly byKey: DayTypesByKey | undefined;
  private readonly typers: ((t: number) => DayType)[] = [];

  /** Key `id`'s day type function (`key` being its name), or undefined without day types. */
  private typeOf(id: number, key: string): ((t: number) => DayType) | undefined {
    if (this.byKey === undefined) return undefined;
    let typer = this.typers[id];
    if (typer === undefined) {
      typer = this.byKey.forKey(key);
      this.typers[id] = typer;
    }
    return typer;
  }

  /** Adds one sample (already filtered to the lookback window). */
  add(key: string, t: number, value: number): void {
    const bucket = bucketOf(t, this.bucketMinutes);
    const slot = this.slotOf[bucket] ?? -1;
    if (slot < 0) return;
    this.addCell(this.idOf(key), key, slot, bucket, t, value);
  }

  /**
   * `add` for the samples of one key, its id looked up once (for a reader that holds many
   * samples per key, e.g. a compact store's series).
   */
  adderOf(key: string): (t: number, value: number) => void {
    let id = -1;
    return (t, value) => {
      const bucket = bucketOf(t, this.bucketMinutes);
      const slot = this.slotOf[bucket] ?? -1;
      if (slot < 0) return;
      if (id < 0) id = this.idOf(key);
      this.addCell(id, key, slot, bucket, t, value);
    };
  }

  /** A key's id (a new one the first time). */
  private idOf(key: string): number {
    let id = this.ids.get(key);
    if (id === undefined) {
      id = this.ids.size;
      this.ids.set(key, id);
      this.growSeries(id + 1);
    }
    return id;
  }

  private addCell(id: number, key: string, slot: number, bucket: number, t: number, value: number): void {
    const h = id * this.slots + slot;
    const day = utcDay(t);
    let c = this.tail[h] ?? -1;
    // Samples mostly come in time order: the date is the last one seen, or a later one than every
    // date of the chain (its dates ascending so far); else walk the chain.
    const tailDay = c >= 0 ? (this.cell(c).day[c & CELL_MASK] as number) : 0;
    if (c >= 0 && tailDay !== day) {
      if (this.ascending[h] === 1 && day > tailDay) c = -1;
      else for (c = this.head[h] ?? -1; c >= 0 && this.cell(c).day[c & CELL_MASK] !== day; c = this.cell(c).next[c & CELL_MASK] ?? -1);
    }
    if (c >= 0) {
      const k = this.cell(c);
      const i = c & CELL_MASK;
      k.sum[i] = (k.sum[i] ?? 0) + value;
      k.count[i] = (k.count[i] ?? 0) + 1;
      return;
    }
    const n = this.cells++;
    if (n >>> CELL_BITS >= this.chunks.length) this.chunks.push(newCellChunk());
    const k = this.cell(n);
    const i = n & CELL_MASK;
    k.day[i] = day;
    k.sum[i] = value;
    k.count[i] = 1;
    k.weekend[i] = this.typeOf(id, key)?.(day * 86_400 + bucket * this.bucketMinutes * 60) === 'weekend' ? 1 : 0;
    k.next[i] = -1;
    const last = this.tail[h] ?? -1;
    if (last >= 0) {
      this.cell(last).next[last & CELL_MASK] = n;
      if (day < tailDay) this.ascending[h] = 0;
    } else {
      this.head[h] = n;
      this.ascending[h] = 1;
    }
    this.tail[h] = n;
  }

  /** The chunk holding cell `c`. */
  private cell(c: number): CellChunk {
    return this.chunks[c >>> CELL_BITS] as CellChunk;
  }

  /** A cell's mean. */
  private mean(c: number): number {
    const k = this.cell(c);
    const i = c & CELL_MASK;
    return (k.sum[i] ?? 0) / (k.count[i] ?? 1);
  }

  /** Every key that has at least one sample. */
  keys(): IterableIterator<string> {
    return this.ids.keys();
  }

  /** The nominal level of a key in a bucket over all dates, or undefined when no date has a sample there. */
  level(key: string, bucket: number): number | undefined {
    const means: number[] = [];
    for (let c = this.firstCell(key, bucket); c >= 0; c = this.nextCell(c)) means.push(this.mean(c));
    return means.length === 0 ? undefined : median(means);
  }

  /**
   * The nominal level of a key in a bucket over the dates of `dayType`: the median of their
   * means when at least MIN_DATES_PER_DAY_TYPE dates of that type have samples, else the
   * median over all dates, marked `fallback`. Without a day type, all dates (never a fallback).
   * Undefined when no date has a sample.
   */
  levelOn(key: string, bucket: number, dayType: DayType | undefined): DayTypeLevel | undefined {
    const all: number[] = [];
    const same: number[] = [];
    const weekend = dayType === 'weekend' ? 1 : 0;
    for (let c = this.firstCell(key, bucket); c >= 0; c = this.nextCell(c)) {
      const mean = this.mean(c);
      all.push(mean);
      if (this.cell(c).weekend[c & CELL_MASK] === weekend) same.push(mean);
    }
    if (all.length === 0) return undefined;
    if (dayType === undefined) return { value: median(all), fallback: false };
    if (same.length >= MIN_DATES_PER_DAY_TYPE) return { value: median(same), fallback: false };
    return { value: median(all), fallback: true };
  }

  /** Each date's mean in a bucket: [UTC day number, mean], in the order the dates were first seen. */
  *dates(key: string, bucket: number): Generator<[number, number]> {
    for (let c = this.firstCell(key, bucket); c >= 0; c = this.nextCell(c)) yield [this.cell(c).day[c & CELL_MASK] ?? 0, this.mean(c)];
  }

  /** The first cell of a key in a bucket (its cells are chained in the order their dates were first seen), or -1. */
  private firstCell(key: string, bucket: number): number {
    const id = this.ids.get(key);
    const slot = this.slotOf[bucket] ?? -1;
    if (id === undefined || slot < 0) return -1;
    return this.head[id * this.slots + slot] ?? -1;
  }

  /** The cell after `c` in its chain, or -1. */
  private nextCell(c: number): number {
    return this.cell(c).next[c & CELL_MASK] ?? -1;
  }

  private growSeries(count: number): void {
    const size = count * this.slots;
    if (size <= this.head.length) return;
    const capacity = Math.max(size, Math.ceil(this.head.length * 1.5));
    this.head = grown(this.head, capacity, -1);
    this.tail = grown(this.tail, capacity, -1);
    this.ascending = grown(this.ascending, capacity, 0);
  }
}

const CELL_BITS = 14;
/** Cells a chunk holds (16,384: 344 KB). */
const CELL_CHUNK = 1 << CELL_BITS;
const CELL_MASK = CELL_CHUNK - 1;

/** Per cell: its UTC date, the sum and count of its samples, 1 for a weekend date, and the next cell of its (key, bucket) or -1. */
interface CellChunk {
  readonly day: Int32Array;
  readonly sum: Float64Array;
  readonly count: Uint32Array;
  readonly weekend: Uint8Array;
  readonly next: Int32Array;
}

function newCellChunk(): CellChunk {
  return {
    day: new Int32Array(CELL_CHUNK),
    sum: new Float64Array(CELL_CHUNK),
    count: new Uint32Array(CELL_CHUNK),
    weekend: new Uint8Array(CELL_CHUNK),
    next: new Int32Array(CELL_CHUNK),
  };
}

/** A copy of a typed array with room for `capacity` elements, the new ones set to `fill`. */
function grown<A extends Int32Array | Uint32Array | Uint8Array | Float64Array>(array: A, capacity: number, fill: number): A {
  const copy = new (array.constructor as new (n: number) => A)(capacity);
  copy.set(array);
  if (fill !== 0) copy.fill(fill, array.length);
  return copy;
}
