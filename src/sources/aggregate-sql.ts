/**
 * The aggregation, as SQL text: the one place that says how rows become what the planner
 * needs. Two queries share the expressions below:
 *
 * - `lakeCellsSql`: portable SQL (DuckDB, Trino/Athena, Spark SQL) for the data-lake path
 *   (`evac precompute --print-sql`): one history window, rows folded to cells.
 * - `engineSql`: what the embedded engine (DuckDB) runs on each data file; it checks every
 *   row as well, and keeps the rows near the window's edges as read (see `EngineWindow`).
 *
 * Only FLOOR, CASE, SUM, COUNT, MAX, GROUP BY and plain comparisons are used in the portable
 * part, so the same text runs on all three engines; the dialects differ only in how a table
 * is named and how a string literal is quoted (the same here), see `Dialect`.
 */

import { utcDay } from '../model/bucket.ts';

export type Dialect = 'duckdb' | 'trino' | 'spark';

/** The time series tables: their key columns and the column that holds the number. */
export const SERIES_TABLES = {
  traffic: { keys: ['region', 'device_type'], value: 'value' },
  demand: { keys: ['region', 'service'], value: 'value' },
  traces: { keys: ['region', 'service', 'device_type'], value: 'count' },
} as const;
export type SeriesTable = keyof typeof SERIES_TABLES;

/** The data lake's tables the SQL reads (views over your own tables will do), with the data files' columns. */
export const LAKE_SOURCE_TABLES: Readonly<Record<SeriesTable, string>> = { traffic: 'device_traffic', demand: 'service_demand', traces: 'trace_samples' };
/** The aggregate tables the SQL makes, and the file (or directory) names `--from-aggregates` reads them from. */
export const LAKE_CELL_TABLES: Readonly<Record<SeriesTable, string>> = { traffic: 'traffic_cells', demand: 'demand_cells', traces: 'trace_cells' };
export const cellFileName = (table: SeriesTable): string => `${LAKE_CELL_TABLES[table].replace('_', '-')}.csv`;

/** A past evacuation window [start, end), epoch seconds. */
export interface SqlEvacuation {
  readonly start: number;
  readonly end: number;
}

/** SQL string literal. */
export function sqlString(text: string): string {
  return `'${text.replaceAll("'", "''")}'`;
}

/** A finite number as an SQL literal (full precision). */
function sqlNumber(n: number): string {
  if (!Number.isFinite(n)) throw new Error(`sqlNumber requires a finite number, got ${n}`);
  return String(n);
}

/** UTC date of an epoch-seconds expression, as whole days since the epoch. */
export function dayExpr(ts: string): string {
  return `FLOOR(${ts} / 86400)`;
}

/** Time-of-day bucket of an epoch-seconds expression (as src/model/bucket.ts bucketOf). */
export function bucketExpr(ts: string, bucketMinutes: number): string {
  return `FLOOR((${ts} - FLOOR(${ts} / 86400) * 86400) / ${sqlNumber(bucketMinutes * 60)})`;
}

/** True when an epoch-seconds expression falls inside any of the windows [start, end). */
export function inEvacuationExpr(ts: string, evacuations: readonly SqlEvacuation[]): string {
  if (evacuations.length === 0) return 'FALSE';
  return `(${evacuations.map((e) => `(${ts} >= ${sqlNumber(e.start)} AND ${ts} < ${sqlNumber(e.end)})`).join(' OR ')})`;
}

export interface LakeOptions {
  readonly dialect: Dialect;
  readonly table: SeriesTable;
  /** How the source table is named in the engine (e.g. `evac.device_traffic`). */
  readonly from: string;
  readonly bucketMinutes: number;
  readonly lookbackDays: number;
  /** The planning time, epoch seconds: the history ends at min(at, latest traffic timestamp). */
  readonly at: number;
  /** How the traffic table is named: its latest timestamp ends the history. */
  readonly trafficFrom: string;
  readonly evacuations: readonly SqlEvacuation[];
  /** The configured regions: rows of other regions are left out. */
  readonly regions: readonly string[];
}

/**
 * The data-lake aggregation of one table: rows of the history window (end - lookbackDays,
 * end], end = min(at, latest traffic timestamp), outside past evacuations, folded to one row
 * per series, UTC date and time-of-day bucket: `value_sum`, `value_count` and `last_t` (the
 * latest timestamp folded in), and `window_end` (the history's end, the same on every row).
 * The `timestamp` column holds epoch seconds (a number); rows of regions not in the config are
 * left out. Output columns: the key columns, `utc_day`, `bucket`, `value_sum`, `value_count`,
 * `last_t`, `window_end`.
 */
export function lakeCellsSql(options: LakeOptions): string {
  const { keys, value } = SERIES_TABLES[options.table];
  const ts = 't.ts';
  const keyList = keys.map((k) => `t.${k}`).join(', ');
  return `-- evac ${options.table} cells: bucketMinutes ${options.bucketMinutes}, lookbackDays ${options.lookbackDays}, dialect ${options.dialect}
WITH bounds AS (
  SELECT LEAST(${sqlNumber(options.at)}, MAX(CAST(${quoteIdent('timestamp', options.dialect)} AS DOUBLE))) AS end_t FROM ${options.trafficFrom}
),
t AS (
  SELECT CAST(${quoteIdent('timestamp', options.dialect)} AS DOUBLE) AS ts, ${keys.join(', ')}, CAST(${quoteIdent(value, options.dialect)} AS DOUBLE) AS v
  FROM ${options.from}
)
SELECT ${keyList},
  ${dayExpr(ts)} AS utc_day,
  ${bucketExpr(ts, options.bucketMinutes)} AS bucket,
  SUM(t.v) AS value_sum,
  COUNT(*) AS value_count,
  MAX(t.ts) AS last_t,
  MAX(b.end_t) AS window_end
FROM t CROSS JOIN bounds b
WHERE ${ts} > b.end_t - ${sqlNumber(options.lookbackDays * 86_400)} AND ${ts} <= b.end_t
  AND t.region IN (${options.regions.map(sqlString).join(', ')})
  AND NOT ${inEvacuationExpr(ts, options.evacuations)}
GROUP BY ${keyList}, ${dayExpr(ts)}, ${bucketExpr(ts, options.bucketMinutes)}`;
}

/** `timestamp` and `count` are reserved words in some engines: quote them. */
function quoteIdent(name: string, dialect: Dialect): string {
  if (name !== 'timestamp' && name !== 'count') return name;
  return dialect === 'spark' ? `\`${name}\`` : `"${name}"`;
}

/**
 * Where the planner's history windows can fall, as UTC days (whole days since the epoch).
 * A plan at `at` uses (end - L days, end] with end = min(at, latest traffic timestamp); a load
 * serves plans at any time from its first (a report plans within the latest day, a backtest at
 * every past evacuation, the incident UI at the times it is moved to). So every window starts on a day in
 * [firstStartDay, lastStartDay] and ends on a day >= endDay: rows of those days are kept as
 * read (a cell there may straddle a window's edge); rows of the days between are inside every
 * window and fold to cells; rows before firstStartDay are outside every window.
 */
export interface EngineWindow {
  readonly firstStartDay: number;
  readonly lastStartDay: number;
  readonly endDay: number;
  /**
   * More days whose rows are kept as read: for demand, the days of capacity observations (the
   * sample nearest each, within a bucket, must be a row, not a cell's mean).
   */
  readonly rawDays?: readonly number[];
}

/**
 * The windows a load must serve (see EngineWindow): plans at `firstAt` or later, each ending
 * its history at min(its time, latest traffic timestamp). A load request (from, to] serves
 * plans at from + lookback and later (see LoadRequest).
 */
export function engineWindow(firstAt: number, latestTraffic: number, lookbackDays: number): EngineWindow {
  const endDay = utcDay(Math.min(firstAt, latestTraffic));
  const firstStartDay = endDay - lookbackDays;
  return { firstStartDay, lastStartDay: Math.max(firstStartDay, utcDay(latestTraffic) - lookbackDays), endDay };
}

/** Kinds of output row of `engineSql`. */
export const ROW_KIND = { bad: 0, raw: 1, cell: 2, old: 3 } as const;

export interface EngineOptions {
  readonly table: SeriesTable;
  /** SELECT list turning the file's columns into `ts` (epoch seconds or NULL when malformed), the key columns (NULL when malformed), and `v` (NULL when malformed). */
  readonly select: string;
  /** The table function reading the file. */
  readonly from: string;
  readonly regions: readonly string[];
  readonly bucketMinutes: number;
  readonly window: EngineWindow;
  readonly evacuations: readonly SqlEvacuation[];
  /**
   * List raw rows in time order within each series. With it, the caller runs the query on one
   * thread, so that each cell is summed in file order: sums of fractional values then come
   * out bit for bit as the line-by-line reader's (raw rows too, for files sorted by time
   * within a series). Slower; unneeded for whole numbers.
   */
  readonly ordered?: boolean;
}

/**
 * The embedded engine's query over one data file (DuckDB). Every row is classified:
 * - bad (kind 0): a malformed cell or an unknown region; only counted (the caller re-reads
 *   the file with the line-by-line checker to name them);
 * - raw (1): inside a past evacuation, or on a day where a window may start or end: kept as
 *   read (traffic and demand: rows equal in series, timestamp and value become one with a
 *   count; traces: summed per series and timestamp);
 * - cell (2): folded per series, UTC date (traffic, demand; traces need no date) and bucket;
 * - old (3): before every window: one row per series, so that the series is still known.
 * Output: kind, the key columns, raw_t (the timestamp of raw rows), raw_v (their value), t
 * (latest timestamp folded in), s (sum), n (count), whole (1 when every value is a whole
 * number below 1e15: then sums do not depend on the order of addition).
 */
export function engineSql(options: EngineOptions): string {
  const { keys } = SERIES_TABLES[options.table];
  const { window } = options;
  const perDay = options.table !== 'traces';
  const bucketSeconds = sqlNumber(options.bucketMinutes * 60);
  const kind = `CASE
      WHEN ts IS NULL OR v IS NULL OR ${keys.map((k) => `${k} IS NULL`).join(' OR ')} OR region NOT IN (${options.regions.map(sqlString).join(', ')}) THEN ${ROW_KIND.bad}
      WHEN ${inEvacuationExpr('ts', options.evacuations)} OR day >= ${window.endDay} OR (day >= ${window.firstStartDay} AND day <= ${window.lastStartDay})${window.rawDays && window.rawDays.length > 0 ? ` OR day IN (${window.rawDays.map(sqlNumber).join(', ')})` : ''} THEN ${ROW_KIND.raw}
      WHEN day < ${window.firstStartDay} THEN ${ROW_KIND.old}
      ELSE ${ROW_KIND.cell} END`;
  // One number says where a row goes inside its series: its timestamp (raw), its cell, or nothing (old).
  const bucket = `FLOOR((ts - day * 86400) / ${bucketSeconds})`;
  // Raw rows of traffic and demand keep their value too: equal rows fold into one with a count.
  const rawValue = perDay ? `CASE WHEN kind = ${ROW_KIND.raw} THEN v END` : 'NULL';
  const slot = `CASE kind WHEN ${ROW_KIND.raw} THEN ts WHEN ${ROW_KIND.cell} THEN ${perDay ? `day * 1440 + ${bucket}` : bucket} ELSE 0 END`;
  return `WITH src AS (SELECT ${options.select} FROM ${options.from}),
dated AS (SELECT *, ${dayExpr('ts')} AS day FROM src),
classified AS (SELECT *, ${kind} AS kind FROM dated),
placed AS (SELECT ${keys.join(', ')}, ts, v, kind, ${slot} AS slot, ${rawValue} AS raw_v FROM classified)
SELECT kind, ${keys.join(', ')}, slot AS raw_t, raw_v,
  MAX(ts) AS t, SUM(v) AS s, CAST(COUNT(*) AS DOUBLE) AS n,
  MIN(CASE WHEN v = FLOOR(v) AND v < 1e15 THEN 1 ELSE 0 END) AS whole
FROM placed
GROUP BY kind, ${keys.join(', ')}, slot, raw_v${options.ordered ? `\nORDER BY ${keys.join(', ')}, raw_t` : ''}`;
}
