import type { LoadedConfig } from '../config/load-config.ts';
import type { ScopedServiceConfig } from '../config/resolve-scope.ts';
import type { PlanningData } from '../model/planning-data.ts';

/** What the planner asks a source for. */
export interface LoadRequest {
  readonly config: LoadedConfig;
  /** Every configured unit, resolved for every region it is planned in. */
  readonly scopes: readonly ScopedServiceConfig[];
  /**
   * History wanted: (from, to], epoch seconds; the result serves plans at any time from
   * from + lookbackDays to `to` (a plan at `at` asks for (at - lookbackDays, at]; a report or a
   * backtest, which plan several times from one load, ask for the span of them all). A source
   * may return more.
   */
  readonly from: number;
  readonly to: number;
  /**
   * The time-of-day buckets of trace and demand data the caller needs, when it needs only some
   * (a plan). A source that can read by bucket (a precomputed directory) may return only those
   * rows, plus all traffic, capacity and evacuations; others ignore it. A source that serves one
   * load to many requests (MemoSource, CoveringSource) must not pass it on.
   */
  readonly buckets?: BucketsWanted;
}

/**
 * Which buckets of trace and of demand rows are needed, given what is read so far (all traffic,
 * capacity and evacuations, and every row of the buckets in `read`) and whether some trace
 * series of the source has no row there yet. Asked again after each read until it asks for no
 * new bucket, so it may widen on what it sees (trace counts pooled around a bucket).
 */
export type BucketsWanted = (partial: PlanningData, read: BucketsRead) => { readonly traces: Iterable<number>; readonly demand: Iterable<number> };

/** The buckets a source has read of each table, and whether a trace series has no row in them. */
export interface BucketsRead {
  readonly traces: ReadonlySet<number>;
  readonly demand: ReadonlySet<number>;
  readonly unseenTraceSeries: boolean;
}

/** A region whose data could not be had (endpoint down, timed out, denied). */
export interface UnreachableRegion {
  readonly region: string;
  readonly reason: string;
}

export interface LoadResult {
  readonly data: PlanningData;
  readonly unreachable: readonly UnreachableRegion[];
  /** API calls made, by API name (empty for files). */
  readonly apiCalls: Readonly<Record<string, number>>;
  /** Human-readable description of where the data came from. */
  readonly description: string;
  /** Problems found in the input that do not stop planning (e.g. the OTLP trace report): the plan lists them. */
  readonly warnings?: readonly string[];
  /**
   * The latest traffic timestamp of the source, when `data.traffic` does not hold it (a source
   * of aggregates folded in a data lake): the history ends at min(at, this). Absent: the
   * latest traffic sample in `data` is used.
   */
  readonly latestTraffic?: number;
}

/**
 * A port: where planning data comes from (CSV files, CloudWatch, a precomputed artifact).
 * Bad input is thrown as an EvacError naming the file/line or API call.
 */
export interface DataSource {
  load(request: LoadRequest): Promise<LoadResult>;
}
