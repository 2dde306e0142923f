import type { ScanSink } from './csv-scan.ts';

/** Rows a chunk holds: logs grow a chunk at a time, never copying what they hold. */
const CHUNK_ROWS = 1 << 16;

/** A run of logged rows as typed arrays. */
export interface RowColumns {
  readonly series: Int32Array;
  readonly t: Float64Array;
  readonly v: Float64Array;
}

/**
 * Keeps a scan's rows in typed arrays (20 bytes a row), in chunks so that growing never copies
 * (nor holds a log twice while it does), to replay them later: the traffic table (whose latest
 * timestamp decides how every table folds, see EngineWindow), a fold's rows kept as read.
 */
export class RowLog implements ScanSink {
  /** Full runs, in order; then `current`, of which `n` rows are used. */
  private readonly chunks: RowColumns[] = [];
  private held = 0;
  private current: RowColumns = newChunk(1024);
  private n = 0;
  /** The latest timestamp logged, or null before the first row. */
  latest: number | null = null;

  row(series: number, t: number, value: number): void {
    let chunk = this.current;
    if (this.n === chunk.t.length) {
      if (chunk.t.length < CHUNK_ROWS) {
        // Small logs (most) start small: the first chunk doubles up to CHUNK_ROWS.
        const bigger = newChunk(chunk.t.length * 2);
        bigger.series.set(chunk.series);
        bigger.t.set(chunk.t);
        bigger.v.set(chunk.v);
        chunk = bigger;
      } else {
        this.chunks.push(chunk);
        this.held += chunk.t.length;
        chunk = newChunk(CHUNK_ROWS);
        this.n = 0;
      }
      this.current = chunk;
    }
    chunk.series[this.n] = series;
    chunk.t[this.n] = t;
    chunk.v[this.n] = value;
    this.n += 1;
    if (this.latest === null || t > this.latest) this.latest = t;
  }

  /** How many rows are logged. */
  get length(): number {
    return this.held + this.n;
  }

  /**
   * The rows logged, a run of them at a time, in the order logged: the log's own arrays (the
   * last one trimmed to a copy, so that each run's buffer holds exactly its rows and can be
   * transferred to another thread).
   */
  runs(): RowColumns[] {
    const { series, t, v } = this.current;
    return [...this.chunks, { series: series.slice(0, this.n), t: t.slice(0, this.n), v: v.slice(0, this.n) }];
  }

  /** Calls `row` for every row, in the order logged (the log's own arrays, nothing copied). */
  forEach(row: (series: number, t: number, value: number) => void): void {
    const each = (run: RowColumns, n: number) => {
      const { series, t, v } = run;
      for (let i = 0; i < n; i++) row(series[i] as number, t[i] as number, v[i] as number);
    };
    for (const run of this.chunks) each(run, run.t.length);
    each(this.current, this.n);
  }

  /**
   * Appends runs of rows logged elsewhere (another fold's, from a worker thread), taking their
   * arrays over: `map` renumbers their series, in place.
   */
  adopt(runs: readonly RowColumns[], map: Int32Array): void {
    if (this.n > 0) {
      this.chunks.push(...this.runs().slice(-1));
      this.held += this.n;
    }
    this.current = newChunk(1024);
    this.n = 0;
    for (const run of runs) {
      // One indexed loop: it runs once per part, before V8 has optimized it.
      const { series, t } = run;
      let latest = this.latest;
      for (let i = 0; i < series.length; i++) {
        series[i] = map[series[i] as number] as number;
        const at = t[i] as number;
        if (latest === null || at > latest) latest = at;
      }
      this.latest = latest;
      this.chunks.push(run);
      this.held += run.t.length;
    }
  }

  /**
   * Appends a run of rows made elsewhere (a block of a column copy, see bucket-columns.ts),
   * taking its arrays over; `latest`, its latest time, found by the caller.
   */
  append(run: RowColumns, latest: number): void {
    if (this.n > 0) {
      this.chunks.push(...this.runs().slice(-1));
      this.held += this.n;
      this.current = newChunk(1024);
      this.n = 0;
    }
    if (run.t.length > 0 && (this.latest === null || latest > this.latest)) this.latest = latest;
    this.chunks.push(run);
    this.held += run.t.length;
  }

  /** Hands every row to `sink`, in the order logged (its line is not kept: 0). */
  replay(sink: ScanSink): void {
    for (const run of this.runs()) for (let i = 0; i < run.t.length; i++) sink.row(run.series[i] as number, run.t[i] as number, run.v[i] as number, 0);
  }
}

function newChunk(rows: number): RowColumns {
  return { series: new Int32Array(rows), t: new Float64Array(rows), v: new Float64Array(rows) };
}
