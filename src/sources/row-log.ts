import type { ScanSink } from './csv-scan.ts';

/**
 * Keeps a scan's rows in typed arrays (20 bytes a row) to replay them later: the traffic
 * table, whose latest timestamp decides how every table folds (see EngineWindow).
 */
export class RowLog implements ScanSink {
  private series = new Int32Array(1024);
  private t = new Float64Array(1024);
  private v = new Float64Array(1024);
  private n = 0;
  /** The latest timestamp logged, or null before the first row. */
  latest: number | null = null;

  row(series: number, t: number, value: number): void {
    if (this.n === this.t.length) {
      const series_ = new Int32Array(this.n * 2);
      series_.set(this.series);
      this.series = series_;
      const t_ = new Float64Array(this.n * 2);
      t_.set(this.t);
      this.t = t_;
      const v_ = new Float64Array(this.n * 2);
      v_.set(this.v);
      this.v = v_;
    }
    this.series[this.n] = series;
    this.t[this.n] = t;
    this.v[this.n] = value;
    this.n += 1;
    if (this.latest === null || t > this.latest) this.latest = t;
  }

  /** The rows logged, as typed arrays (views; transferable to another thread after `.slice()`). */
  columns(): { readonly series: Int32Array; readonly t: Float64Array; readonly v: Float64Array } {
    return { series: this.series.subarray(0, this.n), t: this.t.subarray(0, this.n), v: this.v.subarray(0, this.n) };
  }

  /** Hands every row to `sink`, in the order logged. */
  replay(sink: ScanSink): void {
    for (let i = 0; i < this.n; i++) sink.row(this.series[i] as number, this.t[i] as number, this.v[i] as number);
  }
}
