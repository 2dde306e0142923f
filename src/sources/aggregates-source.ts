import path from 'node:path';
import { EvacError, type InputIssue, inputError } from '../errors.ts';
import type { CapacityRecord, DemandSample, PlanningData, TraceSample, TrafficSample } from '../model/planning-data.ts';
import { cellFileName, LAKE_CELL_TABLES, SERIES_TABLES, type SeriesTable, sqlString } from './aggregate-sql.ts';
import { readCapacity } from './data-files.ts';
import { DATA_FILES } from './data-tables.ts';
import type { DataSource, LoadRequest, LoadResult } from './data-source.ts';
import type { Engine } from './duckdb-engine.ts';
import { EngineHandle } from './engine-open.ts';
import { readSmallTable } from './engine-load.ts';
import { locateTable, type TableFile } from './table-file.ts';

/**
 * The aggregate tables a data-lake job wrote with the SQL of `evac precompute --print-sql`
 * (traffic-cells, demand-cells, trace-cells: CSV, Parquet, or directories of Parquet files),
 * plus capacity.csv (or .parquet), in one directory. Each cell becomes one sample stamped at
 * its latest timestamp, holding its mean (traffic, demand) or its sum (traces); the history
 * already ends where the job's window did (`latestTraffic`), past evacuations already left out.
 */
export class AggregatesSource implements DataSource {
  constructor(private readonly dir: string) {}

  async load(request: LoadRequest): Promise<LoadResult> {
    const regions = request.config.evacuation.regions;
    const handle = new EngineHandle();
    const engine = await handle.get();
    try {
      const issues: InputIssue[] = [];
      const table = (name: string): TableFile | null => {
        const found = locateTable(this.dir, name);
        if (found.found) return found.found;
        issues.push({
          file: path.join(this.dir, name),
          message:
            found.conflict ?? `not found: expected the ${name.replace('.csv', '')} table (CSV or Parquet) written by the SQL of evac precompute --print-sql`,
        });
        return null;
      };
      const cells = async (key: SeriesTable) => {
        const file = table(cellFileName(key));
        return file ? readCells(engine, file, key, regions, issues) : { rows: [], windowEnd: null };
      };
      const traffic = await cells('traffic');
      const demand = await cells('demand');
      const traces = await cells('traces');
      const capacity = await readSmallTable(
        handle,
        this.dir,
        locateTable(this.dir, DATA_FILES.capacity.file).found,
        'capacity',
        new Set(regions),
        readCapacity,
      );
      if (!capacity.ok) issues.push(...capacity.issues);
      if (issues.length > 0 || !capacity.ok) throw inputError(issues, 'write the tables with the SQL of evac precompute --print-sql (see docs/data-lake.md)');
      if (traffic.windowEnd === null)
        throw new EvacError(`${path.join(this.dir, cellFileName('traffic'))}: no rows: expected regional traffic cells`, {
          hint: 'check the job that wrote it',
        });
      const data: PlanningData = {
        traffic: traffic.rows.map((r): TrafficSample => ({ t: r.t, region: r.keys[0] as string, device: r.keys[1] as string, value: r.sum / r.count })),
        demand: demand.rows.map((r): DemandSample => ({ t: r.t, region: r.keys[0] as string, service: r.keys[1] as string, value: r.sum / r.count })),
        traces: traces.rows.map(
          (r): TraceSample => ({ t: r.t, region: r.keys[0] as string, service: r.keys[1] as string, device: r.keys[2] as string, count: r.sum }),
        ),
        capacity: capacity.data as CapacityRecord[],
        evacuations: [],
      };
      return { data, unreachable: [], apiCalls: {}, description: `aggregates in ${this.dir}`, latestTraffic: traffic.windowEnd };
    } finally {
      await handle.close();
    }
  }
}

interface Cell {
  readonly keys: readonly string[];
  readonly t: number;
  readonly sum: number;
  readonly count: number;
}

async function readCells(
  engine: Engine,
  file: TableFile,
  key: SeriesTable,
  regions: readonly string[],
  issues: InputIssue[],
): Promise<{ rows: Cell[]; windowEnd: number | null }> {
  const { keys } = SERIES_TABLES[key];
  const from =
    file.format === 'csv'
      ? `read_csv(${sqlString(file.glob)}, header = true, all_varchar = true)`
      : `read_parquet(${sqlString(file.glob)}, union_by_name = true)`;
  const num = (c: string) => `TRY_CAST(${c} AS DOUBLE)`;
  const wanted = [...keys, 'last_t', 'value_sum', 'value_count', 'window_end'];
  let rows: Record<string, unknown>[];
  try {
    const names = (await engine.all(`DESCRIBE SELECT * FROM ${from}`)).map((r) => String(r.column_name));
    const missing = wanted.filter((c) => !names.includes(c));
    if (missing.length > 0) {
      issues.push({
        file: file.path,
        message: `missing column${missing.length > 1 ? 's' : ''} ${missing.join(', ')}: expected ${wanted.join(',')} (the ${LAKE_CELL_TABLES[key]} table)`,
      });
      return { rows: [], windowEnd: null };
    }
    rows = await engine.all(
      `SELECT ${keys.map((k) => `CAST(${k} AS VARCHAR) AS ${k}`).join(', ')}, ${num('last_t')} AS t, ${num('value_sum')} AS s, ${num('value_count')} AS n, ${num('window_end')} AS w FROM ${from}`,
    );
  } catch (error) {
    issues.push({ file: file.path, message: `not a readable ${file.format === 'csv' ? 'CSV' : 'Parquet'} table: ${(error as Error).message.split('\n')[0]}` });
    return { rows: [], windowEnd: null };
  }
  const cells: Cell[] = [];
  let windowEnd: number | null = null;
  const known = new Set(regions);
  rows.forEach((r, i) => {
    const where = `row ${i + 1}`;
    const t = r.t as number | null;
    const s = r.s as number | null;
    const n = r.n as number | null;
    const w = r.w as number | null;
    const names = keys.map((k) => r[k]);
    if (issues.length >= 20) return;
    if (names.some((v) => typeof v !== 'string' || v === '')) issues.push({ file: file.path, message: `${where}: empty ${keys.join('/')}: expected names` });
    else if (!known.has(names[0] as string))
      issues.push({ file: file.path, message: `${where}: unknown region "${String(names[0])}": expected one of ${regions.join(', ')}` });
    else if (t === null || s === null || n === null || w === null || !(n > 0) || s < 0 || !Number.isFinite(s) || t > w) {
      issues.push({ file: file.path, message: `${where}: expected numbers last_t <= window_end, value_sum >= 0 and value_count > 0` });
    } else if (windowEnd !== null && w !== windowEnd) {
      issues.push({ file: file.path, message: `${where}: window_end ${w} differs from ${windowEnd}: expected one job's output` });
    } else {
      windowEnd = w;
      cells.push({ keys: names as string[], t, sum: s, count: n });
    }
  });
  return { rows: cells, windowEnd };
}
