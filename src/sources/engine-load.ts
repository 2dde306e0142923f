import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { InputIssue, Result } from '../errors.ts';
import type { CapacityRecord, DemandSample, EvacuationWindow, PlanningData, TraceSample, TrafficSample } from '../model/planning-data.ts';
import { DATA_FILES, dataFile, readCapacity, readDemand, readEvacuations, readTraces, readTraffic } from './data-files.ts';
import { Engine, engineWindow } from './duckdb-engine.ts';
import type { ProgressSink } from './progress-line.ts';
import { locateTable, type TableFile } from './table-file.ts';

export interface EngineLoadOptions {
  readonly regions: readonly string[];
  readonly bucketMinutes: number;
  readonly lookbackDays: number;
  /** The latest planning time the data must serve (the load request's `to`), epoch seconds. */
  readonly at: number;
  readonly progress?: ProgressSink | undefined;
  /** Trace counts read already (from OTLP spans, see trace-input.ts): the trace table is not read. */
  readonly traces?: readonly TraceSample[];
}

type SmallReader<T> = (file: string, regions: ReadonlySet<string>) => Result<T>;

/**
 * Reads a small table (capacity, evacuations) with the line-by-line checker: the CSV file, or
 * the Parquet table's rows turned into CSV first (its messages then say "row N" of the table).
 */
export async function readSmallTable<T>(
  engine: Engine,
  dir: string,
  table: TableFile | null,
  key: 'capacity' | 'evacuations',
  regions: ReadonlySet<string>,
  read: SmallReader<T>,
): Promise<Result<T>> {
  if (!table || table.format === 'csv') return read(table?.path ?? dataFile(dir, key), regions);
  const text = await engine.csvText(table, Object.keys(DATA_FILES[key].columns));
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

/**
 * Reads a data directory (CSV or Parquet tables, see README "Data files") through the engine:
 * traffic and demand come out as one sample per series, UTC date and bucket (the cell's mean)
 * and traces as one per series and bucket, except on the days where a history window may
 * start or end and inside past evacuations, where rows are kept as read (see EngineWindow):
 * planning from the result gives the same plans as planning from every row. Capacity and
 * evacuations are small and go through the line-by-line checker. Problems of all files are
 * returned together, in the same order and words as `readDataDir`.
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

  const engine = await Engine.open();
  try {
    const small = <T>(key: 'capacity' | 'evacuations', read: SmallReader<T>) => readSmallTable(engine, dir, located.get(key) ?? null, key, regions, read);
    const capacity: Result<CapacityRecord[]> = await small('capacity', readCapacity);
    const evacuations: Result<EvacuationWindow[]> = await small('evacuations', readEvacuations);

    const trafficTable = located.get('traffic');
    let trafficFallback: Result<TrafficSample[]> | undefined;
    let latest = trafficTable ? await engine.latest(trafficTable, 'traffic', options.progress) : null;
    if (latest === null && trafficTable?.format === 'parquet') {
      // No readable rows: the engine's own read names the problem (or finds no rows).
      const read = await engine.read(trafficTable, 'traffic', {
        regions: options.regions,
        bucketMinutes: options.bucketMinutes,
        window: engineWindow(options.at, options.at, options.lookbackDays),
        evacuations: [],
      });
      trafficFallback = read.ok ? { ok: true, data: (read.data ?? []) as TrafficSample[] } : read;
    } else if (latest === null) {
      trafficFallback = readTraffic(trafficTable?.path ?? dataFile(dir, 'traffic'), regions);
      if (trafficFallback.ok) for (const s of trafficFallback.data) latest = Math.max(latest ?? s.t, s.t);
    }
    const readOptions = {
      regions: options.regions,
      bucketMinutes: options.bucketMinutes,
      window: engineWindow(options.at, latest ?? options.at, options.lookbackDays),
      evacuations: evacuations.ok ? evacuations.data.map((e) => ({ start: e.start, end: e.end })) : [],
      progress: options.progress,
    };
    const series = async <S>(
      key: 'traffic' | 'demand' | 'traces',
      checker: (file: string, regions: ReadonlySet<string>) => Result<S[]>,
    ): Promise<Result<S[]>> => {
      const table = located.get(key);
      if (!table) return checker(dataFile(dir, key), regions);
      const read = await engine.read(table, key, readOptions);
      if (!read.ok) return read;
      return read.data === null ? checker(table.path, regions) : { ok: true, data: read.data as S[] };
    };
    const traffic = trafficFallback ?? (await series<TrafficSample>('traffic', readTraffic));
    const traces: Result<TraceSample[]> =
      options.traces === undefined ? await series<TraceSample>('traces', readTraces) : { ok: true, data: [...options.traces] };
    const demand = await series<DemandSample>('demand', readDemand);

    const issues: InputIssue[] = [];
    for (const r of [traffic, traces, demand, capacity, evacuations]) if (!r.ok) issues.push(...r.issues);
    if (!traffic.ok || !traces.ok || !demand.ok || !capacity.ok || !evacuations.ok) return { ok: false, issues };
    if (traffic.data.length === 0) {
      return { ok: false, issues: [{ file: trafficTable?.path ?? dataFile(dir, 'traffic'), message: 'no rows: expected regional traffic by device type' }] };
    }
    return { ok: true, data: { traffic: traffic.data, traces: traces.data, demand: demand.data, capacity: capacity.data, evacuations: evacuations.data } };
  } finally {
    engine.close();
  }
}
