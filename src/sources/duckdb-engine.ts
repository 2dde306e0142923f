import { closeSync, openSync, readSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { type DuckDBConnection, type DuckDBDataChunk, DuckDBInstance } from '@duckdb/node-api';
import type { InputIssue, Result } from '../errors.ts';
import type { DemandSample, TraceSample, TrafficSample } from '../model/planning-data.ts';
import { type EngineWindow, engineSql, ROW_KIND, SERIES_TABLES, type SeriesTable, type SqlEvacuation, sqlString } from './aggregate-sql.ts';
import { MAX_VALUE, MIN_POSITIVE } from './number-bounds.ts';
import { type ProgressSink, withProgress } from './progress-line.ts';
import type { SamplesOf } from './series-samples.ts';
import type { TableFile } from './table-file.ts';

/**
 * The embedded columnar engine (DuckDB): reads a series table (CSV or Parquet) and streams it
 * out already folded (see `engineSql`), so memory grows with series x dates x buckets, not
 * with rows. Every cell is checked in SQL by rules at least as strict as the line-by-line
 * CSV checker's (src/sources/csv-table.ts); a CSV file with any row they reject is handed
 * back to the caller (`needsChecker`), which re-reads it with that checker: it names the bad
 * lines exactly as before, or accepts what only the stricter SQL rules refused.
 */
export class Engine {
  private constructor(
    private readonly instance: DuckDBInstance,
    private readonly db: DuckDBConnection,
    private readonly tempDir: string,
  ) {}

  static async open(): Promise<Engine> {
    const tempDir = path.join(os.tmpdir(), `evac-duckdb-${process.pid}`);
    const instance = await DuckDBInstance.create(':memory:');
    const db = await instance.connect();
    // Progress for the progress line, UTC for timestamps, spill to disk past 512 MiB of buffers.
    await db.run(
      `SET enable_progress_bar = true; SET enable_progress_bar_print = false; SET TimeZone = 'UTC'; SET preserve_insertion_order = false; SET memory_limit = '512MB'; SET temp_directory = ${sqlString(tempDir)};`,
    );
    return new Engine(instance, db, tempDir);
  }

  close(): void {
    this.db.closeSync();
    this.instance.closeSync();
    rmSync(this.tempDir, { recursive: true, force: true });
  }

  /** The latest timestamp of a table (its well-formed rows), or null when it has none or cannot be read. */
  async latest(table: TableFile, key: SeriesTable, progress?: ProgressSink): Promise<number | null> {
    const reader = await this.reader(table, key);
    if (reader === null || 'issues' in reader) return null;
    const sql = `SELECT MAX(ts) AS latest FROM (SELECT ${reader.select} FROM ${reader.from})`;
    try {
      const rows = await withProgress(
        progress,
        path.basename(table.path),
        reader.estimatedRows,
        () => this.db.progress.percentage,
        async () => (await this.db.runAndReadAll(sql)).getRowsJS(),
      );
      const v = rows[0]?.[0];
      return typeof v === 'number' ? v : null;
    } catch {
      // Not the CSV it claims to be: the caller's checker says why.
      return null;
    }
  }

  /**
   * Reads one series table folded for the given windows. `null` data with no issues means
   * "re-read this CSV file with the line-by-line checker" (some row failed the SQL rules, or
   * the file is not the CSV it claims to be).
   */
  async read<K extends SeriesTable>(table: TableFile, key: K, options: ReadOptions): Promise<Result<SamplesOf<K>[] | null>> {
    const reader = await this.reader(table, key);
    if (reader === null) return { ok: true, data: null };
    if ('issues' in reader) return { ok: false, issues: reader.issues };
    const run = async (ordered: boolean): Promise<Folder> => {
      const sql = engineSql({
        table: key,
        select: reader.select,
        from: reader.from,
        regions: options.regions,
        bucketMinutes: options.bucketMinutes,
        window: options.window,
        evacuations: options.evacuations,
        ordered,
      });
      const folder = new Folder(key);
      // One thread adds the rows of a cell in file order (see EngineOptions.ordered).
      if (ordered) await this.db.run('SET threads = 1');
      try {
        await withProgress(
          options.progress,
          path.basename(table.path),
          reader.estimatedRows,
          () => this.db.progress.percentage,
          () => this.each(sql, (chunk) => folder.add(chunk)),
        );
      } finally {
        if (ordered) await this.db.run('RESET threads');
      }
      return folder;
    };
    let out: Folder;
    try {
      out = await run(false);
      // Fractional values: add them in time order, as the line-by-line reader does (see EngineOptions.ordered).
      if (out.fractional && key !== 'traces') out = await run(true);
    } catch (error) {
      if (table.format === 'csv') return { ok: true, data: null };
      return { ok: false, issues: [{ file: table.path, message: `not a readable Parquet table: ${firstLine(error)}` }] };
    }
    if (out.bad === 0) return { ok: true, data: out.samples as SamplesOf<K>[] };
    if (table.format === 'csv') return { ok: true, data: null };
    return { ok: false, issues: await this.parquetIssues(table, key, reader, options.regions, out.bad) };
  }

  /** Every row of a query, as objects (small results only). */
  async all(sql: string): Promise<Record<string, unknown>[]> {
    return (await this.db.runAndReadAll(sql)).getRowObjectsJS();
  }

  /** Rows of a small table (capacity, evacuations) as text, for the line-by-line checker. */
  async csvText(table: TableFile, columns: readonly string[]): Promise<Result<string>> {
    try {
      const reader = `read_parquet(${sqlString(table.glob)}, union_by_name = true)`;
      const names = (await this.db.runAndReadAll(`DESCRIBE SELECT * FROM ${reader}`)).getRowObjectsJS().map((r) => String(r.column_name));
      const present = columns.filter((c) => names.includes(c));
      const rows = (await this.db.runAndReadAll(`SELECT ${present.map((c) => `CAST("${c}" AS VARCHAR)`).join(', ')} FROM ${reader}`)).getRowsJS();
      const cell = (v: unknown) => (v === null ? '' : /[",\n\r]/.test(String(v)) ? `"${String(v).replaceAll('"', '""')}"` : String(v));
      return { ok: true, data: `${present.join(',')}\n${rows.map((r) => r.map(cell).join(',')).join('\n')}\n` };
    } catch (error) {
      return { ok: false, issues: [{ file: table.path, message: `not a readable Parquet table: ${firstLine(error)}` }] };
    }
  }

  /** Streams a query's result, one chunk (up to 2048 rows) at a time. */
  private async each(sql: string, use: (chunk: DuckDBDataChunk) => void): Promise<void> {
    const result = await this.db.stream(sql);
    for (;;) {
      const chunk = await result.fetchChunk();
      if (!chunk || chunk.rowCount === 0) break;
      use(chunk);
    }
  }

  /** null: a CSV file the engine cannot map (no such header, not a file...): the checker says why. */
  private async reader(table: TableFile, key: SeriesTable): Promise<Reader | { issues: InputIssue[] } | null> {
    return table.format === 'csv' ? csvReader(table, key) : this.parquetReader(table, key);
  }

  private async parquetReader(table: TableFile, key: SeriesTable): Promise<Reader | { issues: InputIssue[] }> {
    const from = `read_parquet(${sqlString(table.glob)}, union_by_name = true, file_row_number = true)`;
    let types: Map<string, string>;
    let estimatedRows = 0;
    try {
      const described = (await this.db.runAndReadAll(`DESCRIBE SELECT * FROM ${from}`)).getRowObjectsJS();
      types = new Map(described.map((r) => [String(r.column_name), String(r.column_type)]));
      const meta = (await this.db.runAndReadAll(`SELECT SUM(num_rows) AS n FROM parquet_file_metadata(${sqlString(table.glob)})`)).getRowsJS();
      estimatedRows = Number(meta[0]?.[0] ?? 0);
    } catch (error) {
      return { issues: [{ file: table.path, message: `not a readable Parquet table: ${firstLine(error)}` }] };
    }
    const { keys, value } = SERIES_TABLES[key];
    const wanted = ['timestamp', ...keys, value];
    const missing = wanted.filter((c) => !types.has(c));
    if (missing.length > 0) {
      return {
        issues: [
          {
            file: table.path,
            message: `missing column${missing.length > 1 ? 's' : ''} ${missing.map((m) => `"${m}"`).join(', ')}: expected ${wanted.join(',')}`,
          },
        ],
      };
    }
    const typed = (name: string, kind: 'time' | 'text' | 'number'): string => {
      const col = `"${name}"`;
      const type = types.get(name) ?? 'VARCHAR';
      if (type === 'VARCHAR') return kind === 'time' ? timeFromText(col) : kind === 'number' ? numberFromText(col) : col;
      if (kind === 'text') return `CAST(${col} AS VARCHAR)`;
      if (kind === 'time' && type.startsWith('TIMESTAMP')) return `epoch(${col})`;
      // Numbers: finite and non-negative (epoch seconds: at most 11 digits, as in CSV).
      const bound = kind === 'time' ? ' AND CAST(x AS DOUBLE) < 1e11' : '';
      const x = `CAST(${col} AS DOUBLE)`;
      if (kind === 'number') return `CASE WHEN isfinite(${x}) THEN ${inBounds(x)} END`;
      return `CASE WHEN isfinite(${x}) AND ${x} >= 0${bound.replaceAll('CAST(x AS DOUBLE)', x)} THEN ${x} END`;
    };
    const select = [
      `${typed('timestamp', 'time')} AS ts`,
      ...keys.map((k) => `${typed(k, 'text')} AS ${k}`),
      `${typed(value, 'number')} AS v`,
      'file_row_number AS row_number',
    ].join(', ');
    return { from, select, estimatedRows };
  }

  private async parquetIssues(table: TableFile, key: SeriesTable, reader: Reader, regions: readonly string[], bad: number): Promise<InputIssue[]> {
    const { keys } = SERIES_TABLES[key];
    const badName = (k: string) => `(${k} IS NULL OR NOT regexp_full_match(${k}, ${sqlString(NAME_RE.source.slice(1, -1))}))`;
    const sql = `SELECT row_number, ts IS NULL AS bad_ts, v IS NULL AS bad_v, ${keys.map((k) => `${badName(k)} AS bad_${k}`).join(', ')}, region
      FROM (SELECT ${reader.select} FROM ${reader.from})
      WHERE ts IS NULL OR v IS NULL OR ${keys.map(badName).join(' OR ')} OR region NOT IN (${regions.map(sqlString).join(', ')})
      ORDER BY row_number LIMIT 20`;
    const rows = (await this.db.runAndReadAll(sql)).getRowObjectsJS();
    const { value } = SERIES_TABLES[key];
    const issues: InputIssue[] = rows.map((r) => {
      const where = `row ${Number(r.row_number) + 1}`;
      if (r.bad_ts)
        return {
          file: table.path,
          message: `${where}: column "timestamp" is not a timestamp: expected a timestamp type, epoch seconds or ISO 8601 with a zone`,
        };
      if (r.bad_v) return { file: table.path, message: `${where}: column "${value}" is not a number: expected a non-negative number` };
      const badKey = keys.find((k) => r[`bad_${k}`]);
      if (badKey) return { file: table.path, message: `${where}: column "${badKey}" is empty or malformed: expected a name` };
      return {
        file: table.path,
        message: `${where}: unknown region "${String(r.region)}" in column "region": expected one of the regions in evacuation.yaml (${regions.join(', ')})`,
      };
    });
    if (bad > rows.length) issues.push({ file: table.path, message: `and ${bad - rows.length} more malformed rows` });
    return issues;
  }
}

export interface ReadOptions {
  readonly regions: readonly string[];
  readonly bucketMinutes: number;
  readonly window: EngineWindow;
  readonly evacuations: readonly SqlEvacuation[];
  readonly progress?: ProgressSink | undefined;
}

interface Reader {
  readonly from: string;
  readonly select: string;
  readonly estimatedRows: number;
}

// The SQL rules: a cell passes only in the plain forms the CSV checker certainly accepts with
// the same value; anything else (exponents, hex, padding, odd dates) goes to the checker.
const EPOCH_RE = String.raw`\d{1,11}(\.\d+)?`;
const ISO_RE = String.raw`\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,3})?(Z|[+-]\d{2}:\d{2})`;
const NUMBER_RE = String.raw`\d{1,15}(\.\d{1,15})?`;
/** Names (regions, services, device types): checked in JS once per distinct name, not per row. */
const NAME_RE = /^[\w.:/@+-]([^"\r\n]*[\w.:/@+-])?$/;

function timeFromText(col: string): string {
  return `CASE WHEN regexp_full_match(${col}, '${EPOCH_RE}') THEN CAST(${col} AS DOUBLE) WHEN regexp_full_match(${col}, '${ISO_RE}') THEN epoch(TRY_CAST(${col} AS TIMESTAMPTZ)) END`;
}

function numberFromText(col: string): string {
  return `CASE WHEN regexp_full_match(${col}, '${NUMBER_RE}') THEN ${inBounds(`CAST(${col} AS DOUBLE)`)} END`;
}

/** The number when it is 0 or within the bounds of src/sources/number-bounds.ts, else NULL (the checker names it). */
function inBounds(x: string): string {
  return `CASE WHEN ${x} = 0 OR (${x} >= ${MIN_POSITIVE} AND ${x} <= ${MAX_VALUE}) THEN ${x} END`;
}

/** A CSV file read with explicit options (no sniffing): every column VARCHAR, header by name. */
function csvReader(table: TableFile, key: SeriesTable): Reader | null {
  const head = readHead(table.path);
  if (head === null) return null;
  const { keys, value } = SERIES_TABLES[key];
  const col = (name: string) => `c${head.header.indexOf(name)}`;
  if ([...keys, value, 'timestamp'].some((n) => !head.header.includes(n)) || new Set(head.header).size !== head.header.length) {
    return null;
  }
  const columns = head.header.map((_, i) => `'c${i}': 'VARCHAR'`).join(', ');
  const from = `read_csv(${sqlString(table.glob)}, header = true, auto_detect = false, delim = ',', quote = '"', escape = '"', strict_mode = true, null_padding = false, columns = {${columns}})`;
  const select = [`${timeFromText(col('timestamp'))} AS ts`, ...keys.map((k) => `${col(k)} AS ${k}`), `${numberFromText(col(value))} AS v`].join(', ');
  return { from, select, estimatedRows: head.estimatedRows };
}

/** The header names of a CSV file (as the checker reads them) and a row-count estimate from its first 64 KiB. */
function readHead(file: string): { header: string[]; estimatedRows: number } | null {
  try {
    const size = statSync(file).size;
    const fd = openSync(file, 'r');
    const buf = Buffer.alloc(Math.min(size, 1 << 16));
    try {
      readSync(fd, buf, 0, buf.length, 0);
    } finally {
      closeSync(fd);
    }
    let text = buf.toString('utf8');
    if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    const nl = text.indexOf('\n');
    if (nl === -1) return null;
    const line = text.slice(0, nl).replace(/\r$/, '');
    if (line.includes('"')) return null;
    const lines = text.split('\n').length - 1;
    return { header: line.split(',').map((h) => h.trim()), estimatedRows: Math.round((size / buf.length) * lines) };
  } catch {
    return null;
  }
}

/** Turns the engine's output rows into samples, chunk by chunk, interning names. */
class Folder {
  readonly samples: (TrafficSample | DemandSample | TraceSample)[] = [];
  private badRows = 0;
  private badName = false;
  /** Some value is not a whole number: the order of addition shows in the last bits of sums. */
  fractional = false;
  private readonly names = new Map<string, string>();

  constructor(private readonly key: SeriesTable) {}

  /** Rows the SQL rules rejected, plus one if a name failed NAME_RE. */
  get bad(): number {
    return this.badRows + (this.badName ? 1 : 0);
  }

  private intern(v: unknown): string {
    const s = v as string;
    const known = this.names.get(s);
    if (known !== undefined) return known;
    if (!NAME_RE.test(s)) this.badName = true;
    this.names.set(s, s);
    return s;
  }

  add(chunk: DuckDBDataChunk): void {
    const { key, samples } = this;
    const nKeys = SERIES_TABLES[key].keys.length;
    const col = (i: number) => chunk.getColumnVector(i);
    const [kind, k1, k2] = [col(0), col(1), col(2)];
    const k3 = nKeys === 3 ? col(3) : undefined;
    const base = 1 + nKeys;
    const [rawT, rawV, t, s, n, whole] = [col(base), col(base + 1), col(base + 2), col(base + 3), col(base + 4), col(base + 5)];
    for (let i = 0; i < chunk.rowCount; i++) {
      const count = n.getItem(i) as number;
      if (kind.getItem(i) === ROW_KIND.bad) {
        this.badRows += count;
        continue;
      }
      if (whole.getItem(i) !== 1) this.fractional = true;
      const raw = kind.getItem(i) === ROW_KIND.raw;
      const time = (raw ? rawT.getItem(i) : t.getItem(i)) as number;
      const region = this.intern(k1.getItem(i));
      const second = this.intern(k2.getItem(i));
      if (key === 'traces') {
        samples.push({ t: time, region, service: second, device: this.intern(k3?.getItem(i)), count: s.getItem(i) as number });
        continue;
      }
      // A cell becomes one sample holding its mean: the planner's per-date mean of it is the same number.
      const value = raw ? (rawV.getItem(i) as number) : (s.getItem(i) as number) / count;
      const copies = raw ? count : 1;
      for (let c = 0; c < copies; c++)
        samples.push(key === 'traffic' ? { t: time, region, device: second, value } : { t: time, region, service: second, value });
    }
  }
}

function firstLine(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split('\n')[0] ?? '';
}
