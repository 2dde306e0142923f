import { bucketsPerDay } from '../model/bucket.ts';
import type { Drainable, Samples } from '../model/planning-data.ts';
import type { EngineWindow, SeriesTable, SqlEvacuation } from './aggregate-sql.ts';
import type { ScanSink } from './csv-scan.ts';
import { boundsChecked, withinBounds } from './number-bounds.ts';
import { type RowColumns, RowLog } from './row-log.ts';
import { type SamplesOf, sampleMaker } from './series-samples.ts';

/**
 * A fold's state as plain typed arrays, to hand a fold made on a worker thread to the main
 * thread (see parallel-scan.ts). Series are numbered as the scan that made it numbered them.
 */
export interface FoldState {
  /** Per series, its cells, or null when it has none. */
  readonly cells: readonly (Cells | null)[];
  /** Per series, [sum, count, latest t] of its rows before every window (count 0: none). */
  readonly old: Float64Array;
  /** The rows kept as read, in runs (see RowLog). */
  readonly raw: readonly RowColumns[];
  /** Some value is not a whole number: sums of cells depend on the order of addition. */
  readonly fractional: boolean;
  /** Per series, [t, value] of its latest row in a bucket not wanted (t NaN: none). */
  readonly skipped: Float64Array;
}

/** A series' cells: [sum, latest t] each in `values`, the count of rows in `counts` (20 bytes a cell). */
export interface Cells {
  readonly values: Float64Array;
  readonly counts: Uint32Array;
}

/**
 * Folds a series table's rows as they are read (see `engineSql`, which does the same in SQL
 * for Parquet): rows inside a past evacuation or on a day where a history window may start or
 * end (see EngineWindow) are kept as read; rows of the days between are inside every window and
 * fold to one cell per series, UTC date (traffic, demand; traces need no date) and bucket;
 * rows before every window fold to one per series (so that the series is still known). Memory
 * grows with series x dates x buckets plus the edge days' rows, not with all rows.
 *
 * Cells are summed in file order, as the planner sums the rows of a cell: planning from the
 * result gives the same plans, bit for bit, as planning from every row.
 *
 * `buckets`: the time-of-day buckets the caller will plan for (a plan's window and capacity
 * buckets); rows of other buckets are checked as read but not kept, except each series' latest
 * (so that every series stays known) and the rows of the end's days and of past evacuations
 * (where the data ends, and whether some of it lies in the future, are told from them).
 */
export class SeriesFold<K extends SeriesTable> implements ScanSink {
  private readonly bucketSeconds: number;
  private readonly bucketCount: number;
  private readonly firstMiddleDay: number;
  /** Cells per series (see Cells). */
  private readonly cellsPerSeries: number;
  private readonly cells: (Cells | undefined)[] = [];
  private readonly old: [sum: number, count: number, latest: number][] = [];
  private readonly raw = new RowLog();
  private fractional = false;
  /** The first and last UTC day any past evacuation touches (Infinity, -Infinity: none). */
  private readonly evacuationDays: readonly [number, number];
  /** The window's more days kept as read (see EngineWindow.rawDays), or null. */
  private readonly rawDays: ReadonlySet<number> | null;
  /** 1 for each bucket wanted (all of them without `buckets`). */
  private readonly wanted: Uint8Array;
  /** Per series, its latest row in a bucket not wanted: [t, value]. */
  private readonly skipped: ([t: number, v: number] | undefined)[] = [];
  /** The latest timestamp of any row folded, or null before the first. */
  latest: number | null = null;

  constructor(
    private readonly table: K,
    bucketMinutes: number,
    private readonly window: EngineWindow,
    private readonly evacuations: readonly SqlEvacuation[],
    buckets?: readonly number[],
  ) {
    this.bucketSeconds = bucketMinutes * 60;
    this.bucketCount = bucketsPerDay(bucketMinutes);
    // Past evacuations span few days: most rows are told apart by their day alone.
    this.evacuationDays = [Math.min(...evacuations.map((e) => Math.floor(e.start / 86_400))), Math.max(...evacuations.map((e) => Math.floor(e.end / 86_400)))];
    this.rawDays = window.rawDays && window.rawDays.length > 0 ? new Set(window.rawDays) : null;
    // All buckets wanted are all ones, not a null: one path for every table, optimized once.
    this.wanted = new Uint8Array(this.bucketCount).fill(buckets === undefined ? 1 : 0);
    for (const b of buckets ?? []) if (b >= 0 && b < this.bucketCount) this.wanted[b] = 1;
    this.firstMiddleDay = window.lastStartDay + 1;
    const middleDays = Math.max(0, window.endDay - this.firstMiddleDay);
    this.cellsPerSeries = table === 'traces' ? this.bucketCount : middleDays * this.bucketCount;
  }

  row(series: number, t: number, v: number): void {
    if (v % 1 !== 0) this.fractional = true;
    if (this.latest === null || t > this.latest) this.latest = t;
    const day = Math.floor(t / 86_400);
    const { window } = this;
    // The end's days, past evacuations and the window's raw days as read, whatever their bucket
    // (they tell where the data ends, what the evacuations did, the demand at capacity observations).
    if (day >= window.endDay || (day >= this.evacuationDays[0] && day <= this.evacuationDays[1] && this.inEvacuation(t)) || this.rawDays?.has(day) === true) {
      this.raw.row(series, t, v);
      return;
    }
    const bucket = Math.floor((t - day * 86_400) / this.bucketSeconds);
    if (this.wanted[bucket] !== 1) {
      // Not needed, but the series stays known.
      const last = series < this.skipped.length ? this.skipped[series] : undefined;
      if (last === undefined) this.skipRow(series, t, v);
      else if (t >= last[0]) {
        last[0] = t;
        last[1] = v;
      }
      return;
    }
    if (day >= window.firstStartDay && day <= window.lastStartDay) {
      this.raw.row(series, t, v);
      return;
    }
    if (day < window.firstStartDay) {
      const old = this.old[series];
      if (old === undefined) this.old[series] = [v, 1, t];
      else {
        old[0] += v;
        old[1] += 1;
        if (t > old[2]) old[2] = t;
      }
      return;
    }
    const slot = this.table === 'traces' ? bucket : (day - this.firstMiddleDay) * this.bucketCount + bucket;
    // Read within the array's length: a series first met late (exports sorted by series) is no
    // out-of-bounds read for V8 to leave its optimized code over.
    const cells = (series < this.cells.length ? this.cells[series] : undefined) ?? this.newCells(series);
    const { values, counts } = cells;
    const at = slot * 2;
    values[at] = (values[at] as number) + v;
    const n = (counts[slot] as number) + 1;
    counts[slot] = n;
    if (n === 1 || t > (values[at + 1] as number)) values[at + 1] = t;
  }

  /** A series' first row in a bucket not wanted (the array filled up to it, no holes). */
  private skipRow(series: number, t: number, v: number): void {
    while (this.skipped.length <= series) this.skipped.push(undefined);
    this.skipped[series] = [t, v];
  }

  /** A series' cells, made when its first row is folded (the array filled up to it, no holes). */
  private newCells(series: number): Cells {
    const cells = { values: new Float64Array(this.cellsPerSeries * 2), counts: new Uint32Array(this.cellsPerSeries) };
    while (this.cells.length <= series) this.cells.push(undefined);
    this.cells[series] = cells;
    return cells;
  }

  /** The fold as typed arrays (see FoldState), copied so that they can be transferred. */
  state(): FoldState {
    const old = new Float64Array(this.old.length * 3);
    this.old.forEach((o, series) => {
      if (o) old.set(o, series * 3);
    });
    const raw = this.raw.runs();
    const skipped = new Float64Array(this.skipped.length * 2).fill(Number.NaN);
    this.skipped.forEach((row, series) => {
      if (row) skipped.set(row, series * 2);
    });
    return {
      skipped,
      cells: Array.from(this.cells, (c) => c ?? null),
      old,
      raw,
      fractional: this.fractional,
    };
  }

  /**
   * Adds a fold of the rows that follow this one's in the file (the next byte range), whose
   * series `map` renumbers into this fold's. Cells add up, raw rows follow these.
   */
  absorb(state: FoldState, map: Int32Array): void {
    if (state.fractional) this.fractional = true;
    state.cells.forEach((cells, s) => {
      if (!cells) return;
      const series = map[s] as number;
      const mine = this.cells[series];
      if (!mine) {
        this.cells[series] = cells;
        return;
      }
      for (let slot = 0; slot < cells.counts.length; slot++) {
        const n = cells.counts[slot] as number;
        if (n === 0) continue;
        const before = mine.counts[slot] as number;
        const at = slot * 2;
        mine.values[at] = (mine.values[at] as number) + (cells.values[at] as number);
        mine.counts[slot] = before + n;
        if (before === 0 || (cells.values[at + 1] as number) > (mine.values[at + 1] as number)) mine.values[at + 1] = cells.values[at + 1] as number;
      }
    });
    for (let s = 0; s * 3 < state.old.length; s++) {
      const n = state.old[s * 3 + 1] as number;
      if (n === 0) continue;
      const series = map[s] as number;
      const mine = this.old[series];
      const [sum, , latest] = [state.old[s * 3] as number, n, state.old[s * 3 + 2] as number];
      if (mine === undefined) this.old[series] = [sum, n, latest];
      else {
        mine[0] += sum;
        mine[1] += n;
        if (latest > mine[2]) mine[2] = latest;
      }
    }
    this.raw.adopt(state.raw, map);
    for (let s = 0; s * 2 < state.skipped.length; s++) {
      const at = state.skipped[s * 2] as number;
      if (Number.isNaN(at)) continue;
      const series = map[s] as number;
      const mine = this.skipped[series];
      if (mine === undefined || at >= mine[0]) this.skipped[series] = [at, state.skipped[s * 2 + 1] as number];
    }
  }

  /** Whether some value was not a whole number (then a fold absorbed from ranges may differ in the last bits from one made in one pass). */
  get hasFractions(): boolean {
    return this.fractional;
  }

  /**
   * The folded samples, made as they are iterated (the cells stay in typed arrays: a few bytes
   * each instead of an object); `names` are each series' key names (region first), as the scan
   * gave them. Rows before every window first, then cells, then rows as read, in file order.
   */
  samples(names: readonly (readonly string[])[]): Samples<SamplesOf<K>> & Drainable<SamplesOf<K>> {
    const make = sampleMaker(this.table, names);
    const old = this.old;
    const skipped = this.skipped;
    // The store's own lists: draining empties them (the fold itself is let go by its reader).
    const cells: (Cells | undefined)[] = [...this.cells];
    const runs: (RowColumns | undefined)[] = this.raw.runs();
    const traces = this.table === 'traces';
    // Counted, and each value tested against the number bounds (see boundsChecked), as `rows` gives them.
    let length = 0;
    let inBounds = true;
    for (const o of old) {
      if (!o) continue;
      length += 1;
      if (!withinBounds(traces ? o[0] : o[0] / o[1])) inBounds = false;
    }
    for (const c of cells) {
      if (!c) continue;
      const { values, counts } = c;
      for (let slot = 0; slot < counts.length; slot++) {
        const n = counts[slot] as number;
        if (n === 0) continue;
        length += 1;
        const sum = values[slot * 2] as number;
        if (!withinBounds(traces ? sum : sum / n)) inBounds = false;
      }
    }
    for (const run of runs) {
      const v = run?.v ?? [];
      length += v.length;
      for (let i = 0; i < v.length; i++) if (!withinBounds(v[i] as number)) inBounds = false;
    }
    for (const row of skipped) {
      if (!row) continue;
      length += 1;
      if (!withinBounds(row[1])) inBounds = false;
    }
    function* iterate(drain: boolean): Generator<SamplesOf<K>> {
      for (let series = 0; series < old.length; series++) {
        const o = old[series];
        if (o) yield make(series, o[2], o[0], o[1]);
      }
      for (let series = 0; series < cells.length; series++) {
        const c = cells[series];
        if (!c) continue;
        if (drain) cells[series] = undefined;
        for (let slot = 0; slot < c.counts.length; slot++) {
          const n = c.counts[slot] as number;
          if (n > 0) yield make(series, c.values[slot * 2 + 1] as number, c.values[slot * 2] as number, n);
        }
      }
      for (let r = 0; r < runs.length; r++) {
        const run = runs[r];
        if (!run) continue;
        if (drain) runs[r] = undefined;
        for (let i = 0; i < run.t.length; i++) yield make(run.series[i] as number, run.t[i] as number, run.v[i] as number, 1);
      }
      for (let series = 0; series < skipped.length; series++) {
        const row = skipped[series];
        if (row) yield make(series, row[0], row[1], 1);
      }
    }
    // The same samples in the same order, as (series, t, value) without an object each.
    // One call per sample and plain loops over the typed arrays: the first readers (the plan's
    // index) run this before V8 has optimized it, where every extra call costs.
    const forEach = (row: (series: number, t: number, value: number) => void) => {
      for (let series = 0; series < old.length; series++) {
        const o = old[series];
        if (o) row(series, o[2], traces ? o[0] : o[0] / o[1]);
      }
      for (let series = 0; series < cells.length; series++) {
        const c = cells[series];
        if (!c) continue;
        const { values, counts } = c;
        for (let slot = 0; slot < counts.length; slot++) {
          const n = counts[slot] as number;
          if (n > 0) row(series, values[slot * 2 + 1] as number, traces ? (values[slot * 2] as number) : (values[slot * 2] as number) / n);
        }
      }
      for (let r = 0; r < runs.length; r++) {
        const run = runs[r];
        if (!run) continue;
        const { series, t, v } = run;
        for (let i = 0; i < t.length; i++) row(series[i] as number, t[i] as number, v[i] as number);
      }
      for (let series = 0; series < skipped.length; series++) {
        const r = skipped[series];
        if (r) row(series, r[0], r[1]);
      }
    };
    const store = { length, [Symbol.iterator]: () => iterate(false), drain: () => iterate(true), rows: { names, forEach } };
    if (inBounds) boundsChecked(store);
    return store;
  }

  private inEvacuation(t: number): boolean {
    for (const e of this.evacuations) if (t >= e.start && t < e.end) return true;
    return false;
  }
}
