import type { DemandLevels } from './demand-levels.ts';
/**
 * The data the planner works on, whatever source it came from (CSV files, CloudWatch, a
 * precomputed artifact). Times are Unix epoch seconds, UTC.
 */
export interface TrafficSample {
  readonly t: number;
  readonly region: string;
  readonly device: string;
  /** Regional traffic of this device type, e.g. stream starts per second. */
  readonly value: number;
}

export interface TraceSample {
  readonly t: number;
  readonly region: string;
  /** The service name as the tracing system knows it. */
  readonly service: string;
  readonly device: string;
  /** Sampled spans: 1 per span, or a pre-aggregated count. */
  readonly count: number;
}

export interface DemandSample {
  readonly t: number;
  readonly region: string;
  readonly service: string;
  /** The service's own demand metric (requests, messages, connections...). */
  readonly value: number;
}

export interface CapacityRecord {
  readonly region: string;
  readonly service: string;
  /** Running capacity now (tasks, instances, read units...); null when unknown. */
  readonly current: number | null;
  readonly min: number;
  readonly max: number;
  /** When `current` was observed, epoch seconds; null or absent: unknown (taken as the planned time). */
  readonly observedAt?: number | null;
}

/** A past evacuation: samples in [start, end) do not describe nominal traffic. */
export interface EvacuationWindow {
  readonly start: number;
  readonly end: number;
  readonly failedRegion: string;
}

/**
 * A source's samples of one table: an array, or a compact store that makes each sample as it
 * is iterated (millions of folded cells are held as typed arrays, not as objects). Read them
 * with `for...of`; iterating again gives the same samples in the same order.
 */
export interface Samples<T> extends Iterable<T> {
  readonly length: number;
  /** The same samples without an object each, when the store holds them as columns (see SeriesRows). */
  readonly rows?: SeriesRows;
}

/**
 * A compact store's samples as its series and columns: each series' key names once, then per
 * sample its series, time and value, with no object made per sample. For readers of many samples
 * that look up per series, not per sample (the plan index).
 */
export interface SeriesRows {
  /**
   * Each series' key names, region first: [region, device] (traffic), [region, service]
   * (demand), [region, service, device] (traces).
   */
  readonly names: readonly (readonly string[])[];
  /**
   * Calls `row` for every sample, in the order iterating the store gives them: its series (an
   * index into `names`), its time and its value (a trace sample's count; the others' value).
   */
  forEach(row: (series: number, t: number, value: number) => void): void;
}

/** The latest time of any sample, or -Infinity when there is none; a compact store is read without an object per sample. */
export function latestTime(samples: Samples<{ readonly t: number }>): number {
  let latest = Number.NEGATIVE_INFINITY;
  if (samples.rows)
    samples.rows.forEach((_series, t) => {
      if (t > latest) latest = t;
    });
  else for (const s of samples) if (s.t > latest) latest = s.t;
  return latest;
}

/**
 * A compact store that can also be read once while it frees what it has handed out (`drain`):
 * afterwards it is empty. For a reader that reads each sample once and keeps what it folds (the
 * levels `evac precompute` builds), so that the store and the levels are not held whole at once.
 */
export interface Drainable<T> {
  drain(): Iterable<T>;
}

/** The samples of `samples`, freed as they are read when the store can (see Drainable): read them once only. */
export function drainOnce<T>(samples: Samples<T>): Iterable<T> {
  return 'drain' in samples && typeof samples.drain === 'function' ? (samples as unknown as Drainable<T>).drain() : samples;
}

export interface PlanningData {
  readonly traffic: Samples<TrafficSample>;
  readonly traces: Samples<TraceSample>;
  readonly demand: Samples<DemandSample>;
  readonly capacity: readonly CapacityRecord[];
  readonly evacuations: readonly EvacuationWindow[];
  /**
   * Demand's nominal levels found already, for the buckets a plan asked for (a precomputed
   * directory's column copy, used only when the plan's lookback window holds every demand
   * sample they were found from, with the plan's day types): `demand` then holds the names of
   * its series but no sample, and the plan looks the levels up instead of folding samples.
   */
  readonly demandLevels?: DemandLevels;
}
