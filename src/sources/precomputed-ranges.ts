import { statSync } from 'node:fs';
import type { InputIssue, Result } from '../errors.ts';
import { bucketOf, bucketsPerDay } from '../model/bucket.ts';
import type { DayTypes } from '../model/day-type.ts';
import type { DemandLevels } from '../model/demand-levels.ts';
import { lookbackWindow } from '../model/lookback-window.ts';
import { type CapacityRecord, type EvacuationWindow, latestTime, type PlanningData, type Samples, type TrafficSample } from '../model/planning-data.ts';
import { SERIES_TABLES } from './aggregate-sql.ts';
import { mergeScanIssues, openRangeScan, type RangeScan, type ScanResult, type ScanSink } from './csv-scan.ts';
import { type BucketRanges, type PrecomputeManifest, readCapacity, readEvacuations, readTraffic } from './data-files.ts';
import { DATA_FILES, dataFile } from './data-tables.ts';
import type { BucketsWanted } from './data-source.ts';
import { openColumns } from './bucket-columns.ts';
import type { LevelsQuestion, LevelsReader } from './level-columns.ts';
import { RowLog } from './row-log.ts';
import { scanTable } from './scan-task.ts';
import { loggedSamples, type SamplesOf } from './series-samples.ts';

/**
 * Reads a precomputed directory's traces and demand only in the time-of-day buckets a caller
 * needs, through the byte ranges its manifest records (`byBucket`, written by `evac precompute`);
 * traffic, capacity and evacuations are small and read whole.
 *
 * `wanted` is asked which buckets it needs given what is read so far (and whether a trace series
 * has no row there yet), and asked again after each read until it asks for nothing new (trace
 * buckets pooled around a planned bucket depend on the counts read). Rows are checked as the
 * whole-file reader checks them, their lines named as in the file. Where the directory holds a
 * column copy of its CSV that stands for it (bucket-columns.ts), the rows are read from that
 * instead of scanned (the same rows, series and order); a row of the copy the CSV reader would
 * not take as it is sends every table back to the CSV.
 *
 * Returns null when the index cannot be trusted or could hide something, and the caller reads
 * everything: a file of another size than when it was written, a row outside its bucket's range,
 * or fewer services or trace series than the directory holds (one with no row in the buckets
 * read: its name, or its pooled traces, could matter).
 */
export function readPrecomputedBuckets(
  dir: string,
  manifest: PrecomputeManifest,
  regions: ReadonlySet<string>,
  wanted: BucketsWanted,
  plan?: PlanHistory,
): Result<PlanningData> | null {
  const index = manifest.byBucket;
  if (!index) return null;
  const bucketCount = bucketsPerDay(manifest.bucketMinutes);
  const tables = { traces: index.traces, demand: index.demand };
  for (const [key, ranges] of Object.entries(tables) as ['traces' | 'demand', BucketRanges][]) {
    if (ranges.ranges.length !== bucketCount || fileSize(dataFile(dir, key)) !== ranges.bytes) return null;
  }
  // The column copy of the CSV when it stands for it (bucket-columns.ts); the CSV when it does not.
  const columns = openColumns(dir, manifest.bucketMinutes, bucketCount, manifest.rows, regions);
  const copied = columns?.capacity();
  const capacity: Result<CapacityRecord[]> = copied ? { ok: true, data: copied } : readCapacity(dataFile(dir, 'capacity'), regions);
  const evacuations = readEvacuations(dataFile(dir, 'evacuations'), regions);
  if (columns && !(capacity.ok && evacuations.ok)) columns.close();
  else if (columns && capacity.ok && evacuations.ok) {
    const small = { capacity: capacity.data, evacuations: evacuations.data };
    try {
      const traffic = columns.table('traffic');
      if (traffic.read([0])) {
        // Demand's levels instead of its rows, where they are the levels the plan would fold (level-columns.ts).
        const levels = plan && columns.levels(levelsQuestion(plan, traffic.samples, small.evacuations), small.capacity.length);
        const read = readBuckets(
          dir,
          index,
          bucketCount,
          wanted,
          { ...small, traffic: traffic.samples },
          columns.table('traces'),
          levels ? levelsAsDemand(levels) : columns.table('demand'),
          'csv',
          levels?.levels(),
        );
        if (read !== 'csv') return read;
      }
    } finally {
      columns.close();
    }
  }
  const traffic = readWholeTable(dataFile(dir, 'traffic'), 'traffic', regions);
  if (!traffic.ok || !capacity.ok || !evacuations.ok) {
    return { ok: false, issues: [traffic, capacity, evacuations].flatMap((r) => (r.ok ? [] : r.issues)) };
  }
  const small = { capacity: capacity.data, evacuations: evacuations.data };
  const traces = BucketTable.open(dataFile(dir, 'traces'), 'traces', index.traces, regions, manifest.bucketMinutes);
  const demand = traces && BucketTable.open(dataFile(dir, 'demand'), 'demand', index.demand, regions, manifest.bucketMinutes);
  try {
    if (!traces || !demand) return null;
    const read = readBuckets(dir, index, bucketCount, wanted, { ...small, traffic: traffic.data }, traces, demand, null);
    return read === 'csv' ? null : read;
  } finally {
    traces?.close();
    demand?.close();
  }
}

/** What the bucket reads ask of a table's reader: the CSV scanner's (BucketTable) or the column copy's. */
interface BucketReader<K extends 'traces' | 'demand'> {
  /** Reads these buckets' rows; false when the caller must read otherwise (see `refused` of readBuckets). */
  read(buckets: readonly number[]): boolean;
  readonly samples: Samples<SamplesOf<K>>;
  /** The problems of the rows read (malformed rows first, else unknown regions), lines the file's. */
  issues(): readonly InputIssue[];
  /** Distinct (region, service) among the series read. */
  traceSeries(): number;
  /** Distinct names of key field `field` among the rows read (without issues). */
  names(field: number): readonly string[];
}

/**
 * The bucket reads of readPrecomputedBuckets, through the readers given. `refused`: what a read
 * that returns false means: `csv` (the column copy: read the CSV instead) or null (the CSV
 * changed since it was indexed: read the directory whole).
 */
function readBuckets(
  dir: string,
  index: NonNullable<PrecomputeManifest['byBucket']>,
  bucketCount: number,
  wanted: BucketsWanted,
  small: Pick<PlanningData, 'traffic' | 'capacity' | 'evacuations'>,
  traces: BucketReader<'traces'>,
  demand: BucketReader<'demand'>,
  refused: 'csv' | null,
  /** Demand's levels, read as `demand` reads buckets (then it reads no row). */
  demandLevels?: DemandLevels,
): Result<PlanningData> | 'csv' | null {
  const data: PlanningData = { ...small, traces: traces.samples, demand: demand.samples, ...(demandLevels ? { demandLevels } : {}) };
  const read = { traces: new Set<number>(), demand: new Set<number>() };
  for (;;) {
    const wants = wanted(data, { ...read, unseenTraceSeries: traces.traceSeries() < index.traceSeries });
    const next = (table: 'traces' | 'demand') => {
      const buckets = [...wants[table]].filter((b) => Number.isInteger(b) && b >= 0 && b < bucketCount && !read[table].has(b)).sort((a, b) => a - b);
      for (const b of buckets) read[table].add(b);
      return buckets;
    };
    const traceBuckets = next('traces');
    const demandBuckets = next('demand');
    if (traceBuckets.length === 0 && demandBuckets.length === 0) break;
    if (!traces.read(traceBuckets) || !demand.read(demandBuckets)) return refused;
    const issues = [...traces.issues(), ...demand.issues()];
    if (issues.length > 0) return { ok: false, issues };
  }
  // Without issues (returned above), the readers' service names are those of the rows read.
  const services = new Set<string>(traces.names(1));
  for (const name of demand.names(1)) services.add(name);
  for (const c of small.capacity) services.add(c.service);
  if (services.size < index.services || traces.traceSeries() < index.traceSeries) return null;
  if (small.traffic.length === 0)
    return { ok: false, issues: [{ file: dataFile(dir, 'traffic'), message: 'no rows: expected regional traffic by device type' }] };
  return { ok: true, data };
}

/** What the source knows of the plan it reads for: the end of the history it asked for, its lookback and day types. */
export interface PlanHistory {
  /** LoadRequest.to: the plan's `historyEnd ?? at`. */
  readonly to: number;
  readonly lookbackDays: number;
  readonly dayTypes: DayTypes;
}

/** The plan's lookback window (plan.ts finds it the same way: to, and the latest traffic sample), evacuations and day types. */
function levelsQuestion(plan: PlanHistory, traffic: Samples<TrafficSample>, evacuations: readonly EvacuationWindow[]): LevelsQuestion {
  return { dayTypes: plan.dayTypes, window: lookbackWindow(plan.to, latestTime(traffic), plan.lookbackDays), evacuations };
}

/** Demand's levels reader as the bucket reads see a demand table: every series' names, no row, no issue. */
function levelsAsDemand(levels: LevelsReader): BucketReader<'demand'> {
  const samples = loggedSamples('demand', new RowLog(), levels.series());
  return {
    read: (buckets) => levels.read(buckets),
    samples,
    issues: () => [],
    traceSeries: () => 0,
    names: (field) => levels.names(field),
  };
}

function fileSize(file: string): number | undefined {
  try {
    return statSync(file).size;
  } catch {
    return undefined;
  }
}

/**
 * A table read whole by the byte scanner into a log of its rows as read (each a sample), or by
 * the row-by-row checker when the scanner does not map it; problems in the checker's words.
 */
function readWholeTable(file: string, table: 'traffic', regions: ReadonlySet<string>): Result<Samples<TrafficSample>> {
  const log = new RowLog();
  const scan = scanTable(file, table, regions, log);
  if (scan === null) return readTraffic(file, regions);
  const issues = mergeScanIssues(file, [scan]);
  return issues.length > 0 ? { ok: false, issues } : { ok: true, data: loggedSamples(table, log, scan.series) };
}

/**
 * The rows of some buckets of a series table, read by byte range with one scan (its series
 * numbered once across the ranges) into a log of rows as read: each row of a precomputed table
 * is one sample already (a cell's mean, or a trace bucket's count). Rows are checked as the
 * whole-file reader checks them, their lines the file's.
 */
class BucketTable<K extends 'traces' | 'demand'> implements ScanSink, BucketReader<K> {
  private readonly log = new RowLog();
  private scan: RangeScan | null = null;
  /** The bucket being read, and whether a row of another was met (the file changed since it was indexed). */
  private bucket = -1;
  private outside = false;

  /** Null when the scanner does not map the file (its header), or it cannot be opened: the caller reads the directory whole, whose reader names the problem. */
  static open<K extends 'traces' | 'demand'>(
    file: string,
    table: K,
    index: BucketRanges,
    regions: ReadonlySet<string>,
    bucketMinutes: number,
  ): BucketTable<K> | null {
    const t = new BucketTable(file, table, index, bucketMinutes);
    const { keys, value } = SERIES_TABLES[table];
    try {
      t.scan = openRangeScan(file, { columns: DATA_FILES[table].columns, time: 'timestamp', keys, value }, regions, t);
    } catch {
      return null;
    }
    return t.scan ? t : null;
  }

  private constructor(
    private readonly file: string,
    private readonly table: K,
    private readonly index: BucketRanges,
    private readonly bucketMinutes: number,
  ) {}

  row(series: number, t: number, value: number): void {
    if (bucketOf(t, this.bucketMinutes) !== this.bucket) this.outside = true;
    this.log.row(series, t, value);
  }

  /** Reads these buckets' rows; false when a range does not hold its bucket's rows (the file changed since it was indexed). */
  read(buckets: readonly number[]): boolean {
    for (const b of buckets) {
      const [offset, bytes, line] = this.index.ranges[b] ?? [0, 0, 2];
      if (bytes === 0) continue;
      this.bucket = b;
      if (!this.scan?.read({ start: offset, end: offset + bytes }, line) || this.outside) return false;
    }
    return true;
  }

  /** The rows read so far, as samples (read live: later reads add to them). */
  get samples(): Samples<SamplesOf<K>> {
    return loggedSamples(this.table, this.log, this.series());
  }

  /** Each series' key names (region first), numbered as the rows' series. */
  series(): readonly (readonly string[])[] {
    return this.result().series;
  }

  /** The problems of the rows read (malformed rows first, else unknown regions), lines the file's. */
  issues(): readonly InputIssue[] {
    const result = this.result();
    return result.issues.length + result.regionIssues.length === 0 ? [] : mergeScanIssues(this.file, [result]);
  }

  /** Distinct (region, service) among the series read (traces: how many trace series were seen). */
  traceSeries(): number {
    return this.scan?.groups() ?? 0;
  }

  /** Distinct names of key field `field` met in the rows read (see RangeScan.names). */
  names(field: number): readonly string[] {
    return this.scan?.names(field) ?? [];
  }

  close(): void {
    this.scan?.close();
  }

  private result(): ScanResult {
    return this.scan?.result() ?? { series: [], issues: [], more: 0, regionIssues: [], rows: 0, lastLine: 0 };
  }
}
