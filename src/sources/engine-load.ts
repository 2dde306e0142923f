import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { InputIssue, Result } from '../errors.ts';
import type { CapacityRecord, EvacuationWindow, PlanningData, Samples, TraceSample, TrafficSample } from '../model/planning-data.ts';
import { engineWindow, type EngineWindow, type SeriesTable, type SqlEvacuation } from './aggregate-sql.ts';
import { mergeScanIssues, type ScanResult, type ScanSink } from './csv-scan.ts';
import { latestInTail } from './csv-tail.ts';
import { readCapacity, readDemand, readEvacuations, readTraces, readTraffic } from './data-files.ts';
import { DATA_FILES, dataFile } from './data-tables.ts';
import { EngineHandle } from './engine-open.ts';
import { type ParallelOptions, type SeriesScanOptions, startScanWorkerFor, startSeriesScan, type TableJob } from './parallel-scan.ts';
import type { ProgressSink } from './progress-line.ts';
import { RowLog } from './row-log.ts';
import { scanTable } from './scan-task.ts';
import { SeriesFold } from './series-fold.ts';
import type { SamplesOf } from './series-samples.ts';
import { locateTable, type TableFile } from './table-file.ts';

export interface EngineLoadOptions {
  readonly regions: readonly string[];
  readonly bucketMinutes: number;
  readonly lookbackDays: number;
  /** The latest planning time the data must serve (the load request's `to`), epoch seconds. */
  readonly at: number;
  /** The load request's `from`: plans at from + lookbackDays and later are served. */
  readonly from: number;
  readonly progress?: ProgressSink | undefined;
  /** Trace counts read already (from OTLP spans, see trace-input.ts): the trace table is not read. */
  readonly traces?: readonly TraceSample[];
  /**
   * The demand buckets the caller will plan for (see SeriesFold), given the traffic, capacity
   * and evacuations read (LoadRequest.buckets for one plan); absent: all.
   */
  readonly demandBuckets?: ((partial: PlanningData) => Iterable<number>) | undefined;
  /** Worker threads for big CSV tables (see parallel-scan.ts). */
  readonly workers?: ParallelOptions['workers'];
}

type SmallReader<T> = (file: string, regions: ReadonlySet<string>) => Result<T>;

/**
 * Reads a small table (capacity, evacuations) with the line-by-line checker: the CSV file, or
 * the Parquet table's rows turned into CSV first (its messages then say "row N" of the table).
 */
export async function readSmallTable<T>(
  engine: EngineHandle,
  dir: string,
  table: TableFile | null,
  key: 'capacity' | 'evacuations',
  regions: ReadonlySet<string>,
  read: SmallReader<T>,
): Promise<Result<T>> {
  if (!table || table.format === 'csv') return read(table?.path ?? dataFile(dir, key), regions);
  const text = await (await engine.get()).csvText(table, Object.keys(DATA_FILES[key].columns));
  if (!text.ok) return text;
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'evac-'));
  try {
    const file = path.join(tmp, DATA_FILES[key].file);
    writeFileSync(file, text.data);
    const result = read(file, regions);
    return result.ok
      ? result
      : { ok: false, issues: result.issues.map((i) => ({ file: table.path, message: i.line === undefined ? i.message : `row ${i.line - 1}: ${i.message}` })) };
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

/** The row-by-row checker of each series table: what reads a file the fast paths hand back. */
const CHECKERS: { readonly [K in SeriesTable]: SmallReader<SamplesOf<K>[]> } = { traffic: readTraffic, demand: readDemand, traces: readTraces };

/**
 * Reads a data directory (CSV or Parquet tables, see README "Data files") folded as it is read:
 * traffic and demand come out as one sample per series, UTC date and bucket (the cell's mean)
 * and traces as one per series and bucket, except on the days where a history window may
 * start or end and inside past evacuations, where rows are kept as read (see EngineWindow):
 * planning from the result gives the same plans as planning from every row.
 *
 * CSV is scanned byte by byte (csv-scan.ts, series-fold.ts); Parquet goes through the columnar
 * engine (duckdb-engine.ts), the same fold in SQL. Capacity and evacuations are small and go
 * through the line-by-line checker. Problems of all files are returned together, in the same
 * order and words as `readDataDir`.
 */
export async function loadDataDir(dir: string, options: EngineLoadOptions): Promise<Result<PlanningData>> {
  const regions = new Set(options.regions);
  const located = new Map<keyof typeof DATA_FILES, TableFile | null>();
  const conflicts: InputIssue[] = [];
  for (const key of Object.keys(DATA_FILES) as (keyof typeof DATA_FILES)[]) {
    const lookup = locateTable(dir, DATA_FILES[key].file);
    if (lookup.found === null && lookup.conflict) conflicts.push({ file: dataFile(dir, key), message: lookup.conflict });
    located.set(key, lookup.found);
  }
  if (conflicts.length > 0) return { ok: false, issues: conflicts };

  // The worker thread starts now, so that it has booted when the traffic table, read first,
  // has decided its task (see parallel-scan.ts).
  const csvBytes = (['demand', 'traces'] as const).reduce((sum, key) => {
    const table = located.get(key);
    return sum + (table?.format === 'csv' && !(key === 'traces' && options.traces !== undefined) ? fileBytes(table.path) : 0);
  }, 0);
  const worker = startScanWorkerFor(csvBytes, options);
  const engine = new EngineHandle();
  try {
    const small = <T>(key: 'capacity' | 'evacuations', read: SmallReader<T>) => readSmallTable(engine, dir, located.get(key) ?? null, key, regions, read);
    const capacity: Result<CapacityRecord[]> = await small('capacity', readCapacity);
    const evacuations: Result<EvacuationWindow[]> = await small('evacuations', readEvacuations);
    const evacuationWindows: SqlEvacuation[] = evacuations.ok ? evacuations.data.map((e) => ({ start: e.start, end: e.end })) : [];
    const fold = <K extends SeriesTable>(key: K, window: EngineWindow) => new SeriesFold(key, options.bucketMinutes, window, evacuationWindows);
    const trafficTable = located.get('traffic') ?? null;
    const firstAt = Math.min(options.at, options.from + options.lookbackDays * 86_400);

    // The CSV tables of demand and traces, on two threads when they are big (see parallel-scan.ts).
    const wanted: ('demand' | 'traces')[] = options.traces === undefined ? ['traces', 'demand'] : ['demand'];
    // Demand by bucket when the caller needs only some (one plan): the buckets depend on capacity.
    const demandBucketsOf = (trafficRead: Samples<TrafficSample>) =>
      options.demandBuckets && capacity.ok && evacuations.ok
        ? [...options.demandBuckets({ traffic: trafficRead, traces: [], demand: [], capacity: capacity.data, evacuations: evacuations.data })]
        : undefined;
    // Demand on the days capacity was observed as read: the sample nearest each observation (within a bucket) is a row.
    const bucketSeconds = options.bucketMinutes * 60;
    const observed = capacity.ok ? capacity.data.flatMap((c) => (c.observedAt === undefined || c.observedAt === null ? [] : [c.observedAt])) : [];
    const rawDays = [...new Set(observed.flatMap((t) => [t - bucketSeconds, t, t + bucketSeconds].map((x) => Math.floor(x / 86_400))))];
    const seriesScan = (window: EngineWindow, demandBuckets: number[] | undefined, scanOptions: SeriesScanOptions) => {
      const demandWindow: EngineWindow = rawDays.length > 0 ? { ...window, rawDays } : window;
      const csvJobs = wanted.flatMap((key): TableJob[] => {
        const table = located.get(key);
        if (table?.format !== 'csv') return [];
        const demandOnly = key === 'demand' ? { window: demandWindow, ...(demandBuckets ? { buckets: demandBuckets } : {}) } : {};
        return [{ table: key, file: table.path, bytes: fileBytes(table.path), ...demandOnly }];
      });
      const params = { regions: options.regions, bucketMinutes: options.bucketMinutes, window, evacuations: evacuationWindows };
      return { demandWindow, csvJobs, scan: startSeriesScan(csvJobs, params, { progress: options.progress, ...scanOptions }) };
    };

    // The traffic table's latest timestamp decides where the history windows can fall; the
    // table's last lines give it most of the time (exports are mostly in time order, per series
    // or overall). On that guess, traffic is folded as it is read and, with the worker, the
    // series tables start now, while this thread reads traffic. Once traffic is read the guess
    // is checked: when the whole table gives another window (or other demand buckets), what was
    // read on the guess is read again on the right window, on this thread (slower, never wrong).
    const guess = trafficTable?.format === 'csv' ? latestInTail(trafficTable.path, 'timestamp') : null;
    const guessWindow = guess === null ? null : engineWindow(firstAt, guess, options.lookbackDays);
    const early =
      worker && guessWindow
        ? (() => {
            const demandBuckets = demandBucketsOf([]);
            return { demandBuckets, ...seriesScan(guessWindow, demandBuckets, { worker, busyHereBytes: fileBytes(trafficTable?.path ?? '') }) };
          })()
        : null;

    let traffic: Result<Samples<TrafficSample>>;
    let window: EngineWindow;
    if (trafficTable?.format === 'csv') {
      const scanInto = (sink: ScanSink) => scanTable(trafficTable.path, 'traffic', regions, sink, options.progress);
      let scan: ScanResult | null;
      let folded: SeriesFold<'traffic'> | null = null;
      if (guessWindow !== null) {
        folded = fold('traffic', guessWindow);
        scan = scanInto(folded);
        window = engineWindow(firstAt, folded.latest ?? options.at, options.lookbackDays);
        if (scan !== null && !sameWindow(window, guessWindow)) {
          folded = fold('traffic', window);
          scan = scanInto(folded);
        }
      } else {
        // No guess (the last lines hold no readable time): logged, folded once the latest is known.
        const log = new RowLog();
        scan = scanInto(log);
        window = engineWindow(firstAt, log.latest ?? options.at, options.lookbackDays);
        folded = fold('traffic', window);
        log.replay(folded);
      }
      const issues = scan === null ? [] : mergeScanIssues(trafficTable.path, [scan]);
      if (scan === null) traffic = readTraffic(trafficTable.path, regions);
      else if (issues.length > 0) traffic = { ok: false, issues };
      else traffic = { ok: true, data: folded.samples(scan.series) };
      if (scan === null && traffic.ok) {
        let latest: number | null = null;
        for (const s of traffic.data) if (latest === null || s.t > latest) latest = s.t;
        window = engineWindow(firstAt, latest ?? options.at, options.lookbackDays);
      }
    } else if (trafficTable) {
      const db = await engine.get();
      const latest = await db.latest(trafficTable, 'traffic', options.progress);
      window = engineWindow(firstAt, latest ?? options.at, options.lookbackDays);
      traffic = await parquetTable(db, trafficTable, 'traffic', { ...options, window, evacuations: evacuationWindows });
    } else {
      window = engineWindow(firstAt, options.at, options.lookbackDays);
      traffic = readTraffic(dataFile(dir, 'traffic'), regions);
    }

    const demandBuckets = traffic.ok ? demandBucketsOf(traffic.data) : undefined;
    const confirmed = early !== null && guessWindow !== null && sameWindow(guessWindow, window) && String(early.demandBuckets) === String(demandBuckets);
    if (early !== null && !confirmed) early.scan.abandon();
    const { demandWindow, csvJobs, scan } = confirmed ? early : seriesScan(window, demandBuckets, { worker: early === null ? worker : null });
    const scanned = await scan.finish();
    const series = async <K extends 'demand' | 'traces'>(key: K): Promise<Result<Samples<SamplesOf<K>>>> => {
      const table = located.get(key) ?? null;
      if (!table) return CHECKERS[key](dataFile(dir, key), regions) as Result<Samples<SamplesOf<K>>>;
      if (table.format === 'parquet')
        return parquetTable(await engine.get(), table, key, { ...options, window: key === 'demand' ? demandWindow : window, evacuations: evacuationWindows });
      const result = scanned[csvJobs.findIndex((j) => j.table === key)];
      return (result ?? CHECKERS[key](table.path, regions)) as Result<Samples<SamplesOf<K>>>;
    };
    const traces: Result<Samples<TraceSample>> = options.traces === undefined ? await series('traces') : { ok: true, data: [...options.traces] };
    const demand = await series('demand');

    const issues: InputIssue[] = [];
    for (const r of [traffic, traces, demand, capacity, evacuations]) if (!r.ok) issues.push(...r.issues);
    if (!traffic.ok || !traces.ok || !demand.ok || !capacity.ok || !evacuations.ok) return { ok: false, issues };
    if (traffic.data.length === 0) {
      return { ok: false, issues: [{ file: trafficTable?.path ?? dataFile(dir, 'traffic'), message: 'no rows: expected regional traffic by device type' }] };
    }
    return { ok: true, data: { traffic: traffic.data, traces: traces.data, demand: demand.data, capacity: capacity.data, evacuations: evacuations.data } };
  } finally {
    worker?.release();
    await engine.close();
  }
}

/** A Parquet series table through the engine; its rows failing the SQL rules are named by row. */
async function parquetTable<K extends SeriesTable>(
  db: Awaited<ReturnType<EngineHandle['get']>>,
  table: TableFile,
  key: K,
  options: EngineLoadOptions & { readonly window: EngineWindow; readonly evacuations: readonly SqlEvacuation[] },
): Promise<Result<SamplesOf<K>[]>> {
  const read = await db.read(table, key, options);
  if (!read.ok) return read;
  // A Parquet table with no readable rows: the engine reported the problem, or there are none.
  return { ok: true, data: (read.data ?? []) as SamplesOf<K>[] };
}

/** Whether two windows fold every table alike. */
function sameWindow(a: EngineWindow, b: EngineWindow): boolean {
  return a.firstStartDay === b.firstStartDay && a.lastStartDay === b.lastStartDay && a.endDay === b.endDay && String(a.rawDays) === String(b.rawDays);
}

function fileBytes(file: string): number {
  try {
    return statSync(file).size;
  } catch {
    return 0;
  }
}
