import { realpathSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import type { EvacuationConfig } from '../config/evacuation-config.ts';
import { parseJsonText } from '../config/json-file.ts';
import type { InputIssue, Result } from '../errors.ts';
import { directoryIssues, inspectPath, MAX_JSON_BYTES, readTextFile } from '../input-file.ts';
import { bucketOf, bucketsPerDay } from '../model/bucket.ts';
import type { CapacityRecord, DemandSample, EvacuationWindow, PlanningData, TraceSample, TrafficSample } from '../model/planning-data.ts';
import { writeFileAtomic } from '../state/atomic-write.ts';
import type { DayTypes } from '../model/day-type.ts';
import { type ColumnSink, ColumnsWriter } from './bucket-columns.ts';
import { type ColumnKind, type CsvRow, parseCsv, parseTime } from './csv-table.ts';
import { DATA_FILES, dataFile, futureSample, unknownRegion } from './data-tables.ts';

/** What to do when a data file is too big to read as one string. */
export const TOO_BIG_HINT =
  'aggregate it upstream to one row per series and time-of-day bucket (the layout evac precompute writes), or read the history from CloudWatch with --source aws and fold it with evac precompute';

/** Checks made while reading data files beyond their format. */
export interface ReadChecks {
  /**
   * Epoch seconds: a sample time (`timestamp`, an evacuation's `start`) after it is an error,
   * a clock or unit error (milliseconds for seconds, a wrong year). `evac validate` sets it to
   * now + 1 day; planning ignores samples after the time planned for instead.
   */
  readonly notAfter?: number;
}

/** The columns `ReadChecks.notAfter` applies to: when a sample was taken (an evacuation may end later). */
const SAMPLE_TIME_COLUMNS = ['timestamp', 'start'];

function readRows<C extends Record<string, ColumnKind>, T>(
  file: string,
  spec: { readonly columns: C },
  regions: ReadonlySet<string>,
  regionColumn: keyof C & string,
  build: (row: CsvRow<C>) => T,
  checks: ReadChecks = {},
  optional = false,
): Result<T[]> {
  const text = readTextFile(file, {
    optional,
    notFound: `file not found: expected ${Object.keys(spec.columns)
      .filter((c) => (spec.columns as Record<string, ColumnKind>)[c] !== 'optional-time')
      .join(',')} (see README, "Data files")`,
    tooBigHint: TOO_BIG_HINT,
  });
  if (!text.ok) return text;
  if (text.data === null) return { ok: true, data: [] };
  const issues: InputIssue[] = [];
  const parsed = parseCsv(text.data, file, spec.columns, (row) => {
    const region = row[regionColumn] as unknown as string;
    if (!regions.has(region) && issues.length < 20) issues.push(unknownRegion(file, row.line, region, regionColumn, regions));
    if (checks.notAfter !== undefined) {
      for (const column of SAMPLE_TIME_COLUMNS) {
        const t = (row as Record<string, unknown>)[column];
        if (typeof t === 'number' && t > checks.notAfter && issues.length < 20) issues.push(futureSample(file, row.line, column, t, checks.notAfter));
      }
    }
    return build(row);
  });
  if (!parsed.ok) return parsed;
  return issues.length > 0 ? { ok: false, issues } : parsed;
}

export function readTraffic(file: string, regions: ReadonlySet<string>, checks: ReadChecks = {}): Result<TrafficSample[]> {
  return readRows(file, DATA_FILES.traffic, regions, 'region', (r) => ({ t: r.timestamp, region: r.region, device: r.device_type, value: r.value }), checks);
}

/** Sampled trace counts; the CloudWatch source reads these too, from `--traces`. */
export function readTraces(file: string, regions: ReadonlySet<string>, checks: ReadChecks = {}): Result<TraceSample[]> {
  return readRows(
    file,
    DATA_FILES.traces,
    regions,
    'region',
    (r) => ({
      t: r.timestamp,
      region: r.region,
      service: r.service,
      device: r.device_type,
      count: r.count,
    }),
    checks,
  );
}

export function readDemand(file: string, regions: ReadonlySet<string>, checks: ReadChecks = {}): Result<DemandSample[]> {
  return readRows(file, DATA_FILES.demand, regions, 'region', (r) => ({ t: r.timestamp, region: r.region, service: r.service, value: r.value }), checks);
}

/** Capacity per (region, service): one row each, min <= max. */
export function readCapacity(file: string, regions: ReadonlySet<string>): Result<CapacityRecord[]> {
  const rows = readRows(file, DATA_FILES.capacity, regions, 'region', (r) => ({ ...r }));
  if (!rows.ok) return rows;
  const issues: InputIssue[] = [];
  const seen = new Map<string, number>();
  const records: CapacityRecord[] = [];
  for (const r of rows.data) {
    const key = `${r.region}\u0000${r.service}`;
    const first = seen.get(key);
    if (first !== undefined) {
      issues.push({
        file,
        line: r.line,
        message: `duplicate row for service "${r.service}" in ${r.region} (first on line ${first}): expected one row per region and service`,
      });
    } else if (r.min_capacity > r.max_capacity) {
      issues.push({ file, line: r.line, message: `min_capacity ${r.min_capacity} is above max_capacity ${r.max_capacity}: expected min <= max` });
    }
    seen.set(key, first ?? r.line);
    records.push({ region: r.region, service: r.service, current: r.current_capacity, min: r.min_capacity, max: r.max_capacity, observedAt: r.timestamp });
  }
  return issues.length > 0 ? { ok: false, issues } : { ok: true, data: records };
}

/** Past evacuations; an absent file means none (a dangling link or a directory is an error). */
export function readEvacuations(file: string, regions: ReadonlySet<string>, checks: ReadChecks = {}): Result<EvacuationWindow[]> {
  const rows = readRows(file, DATA_FILES.evacuations, regions, 'failed_region', (r) => ({ ...r }), checks, true);
  if (!rows.ok) return rows;
  const issues: InputIssue[] = rows.data
    .filter((r) => r.end <= r.start)
    .map((r) => ({ file, line: r.line, message: `end is not after start: expected start < end` }));
  return issues.length > 0 ? { ok: false, issues } : { ok: true, data: rows.data.map((r) => ({ start: r.start, end: r.end, failedRegion: r.failed_region })) };
}

/** One table's rows by bucket: the file's size when written, and for each bucket (index = bucket) its rows' byte range and first line. */
const BucketRangesSchema = z.strictObject({
  /** The file's size in bytes: a file of another size was changed since, and is read whole. */
  bytes: z.number().int().nonnegative(),
  /** [byte offset, byte length, line number of the first row] of each bucket's rows. */
  ranges: z.array(z.tuple([z.number().int().nonnegative(), z.number().int().nonnegative(), z.number().int().min(2)])),
});
export type BucketRanges = z.infer<typeof BucketRangesSchema>;

/** `precompute.json`: what a precomputed data directory holds and how it was made. */
export const PrecomputeManifestSchema = z.strictObject({
  schemaVersion: z.literal(1),
  kind: z.literal('evac-precomputed-history'),
  createdAt: z.string().refine((t) => parseTime(t) !== undefined, 'expected an ISO 8601 time with a zone'),
  /** End of the history folded in (ISO 8601). */
  dataEnd: z.string().refine((t) => parseTime(t) !== undefined, 'expected an ISO 8601 time with a zone'),
  /** The bucket width the aggregates were made with: planning must use the same. */
  bucketMinutes: z.number().int().positive(),
  lookbackDays: z.number().int().positive(),
  source: z.string(),
  configDir: z.string(),
  rows: z.record(z.string(), z.number().int().nonnegative()),
  /** Problems found in the input when it was precomputed (e.g. the OTLP trace report): plans from it repeat them. */
  warnings: z.array(z.string()).optional(),
  /**
   * Where each time-of-day bucket's rows lie in the trace and demand files (written sorted by
   * bucket), so that a plan reads only the buckets it needs (see precomputed-ranges.ts).
   * Absent in directories written before it existed: they are read whole.
   */
  byBucket: z
    .strictObject({
      traces: BucketRangesSchema,
      demand: BucketRangesSchema,
      /** Distinct service names in the trace, demand and capacity files. */
      services: z.number().int().nonnegative(),
      /** Distinct (region, service) series in the trace file. */
      traceSeries: z.number().int().nonnegative(),
    })
    .optional(),
});

export type PrecomputeManifest = z.infer<typeof PrecomputeManifestSchema>;
export const MANIFEST_FILE = 'precompute.json';

/** Reads a data directory's manifest, if it has one (a directory written by `evac precompute`). */
export function readManifest(dir: string): Result<PrecomputeManifest | null> {
  const file = path.join(dir, MANIFEST_FILE);
  const text = readTextFile(file, { optional: true, maxBytes: MAX_JSON_BYTES });
  if (!text.ok) return text;
  if (text.data === null) return { ok: true, data: null };
  return parseJsonText(file, text.data, PrecomputeManifestSchema);
}

/**
 * Whether a precomputed directory fits the config it is planned with: the bucket width and the
 * lookback it was folded with must be the config's, or its levels mean something else.
 *
 * `at` (epoch seconds), the time planned for: it must not be before the history's end. The
 * directory folds every sample up to its end into one level per bucket, so it cannot answer
 * "what was known earlier": planning before its end would quietly use later data and differ from
 * a plan made from the full history. `evac validate` passes now, as `plan` and `report` do by default.
 */
export function manifestIssues(
  dir: string,
  manifest: PrecomputeManifest,
  evacuation: Pick<EvacuationConfig, 'bucketMinutes' | 'lookbackDays'>,
  at?: number,
): InputIssue[] {
  const file = path.join(dir, MANIFEST_FILE);
  const issues: InputIssue[] = [];
  for (const key of ['bucketMinutes', 'lookbackDays'] as const) {
    if (manifest[key] !== evacuation[key]) {
      issues.push({
        file,
        path: key,
        message: `precomputed with ${key} ${manifest[key]}, the config says ${evacuation[key]}: expected the same (run evac precompute again with this config)`,
      });
    }
  }
  const end = parseTime(manifest.dataEnd);
  if (at !== undefined && end !== undefined && at < end) {
    issues.push({
      file,
      path: 'dataEnd',
      message: `history precomputed to ${manifest.dataEnd}; planning at ${new Date(at * 1000).toISOString()} is before that end: expected a time at or after it (plan from the raw history for an earlier time, or precompute again with --at)`,
    });
  }
  return issues;
}

/**
 * Where `evac precompute --out` may write: a new directory, or one an earlier precompute wrote.
 * Refused: the data directory being read, a file, or a directory holding data files but no
 * precompute.json (raw history would be overwritten by its summary).
 */
export function precomputeOutIssues(out: string, dataDir: string | undefined): InputIssue[] {
  const state = inspectPath(out);
  if (state.kind === 'absent') return [];
  const asDir = directoryIssues(out, 'not found');
  if (asDir.length > 0) return asDir.map((i) => ({ ...i, message: `--out: ${i.message}` }));
  if (dataDir !== undefined && inspectPath(dataDir).kind === 'directory' && realpathSync(out) === realpathSync(dataDir)) {
    return [{ file: out, message: '--out is the --data directory being read: expected another directory (precompute would overwrite the history it reads)' }];
  }
  const hasData = Object.values(DATA_FILES).some((f) => inspectPath(path.join(out, f.file)).kind !== 'absent');
  if (hasData && inspectPath(path.join(out, MANIFEST_FILE)).kind === 'absent') {
    return [
      {
        file: out,
        message: `--out holds data files but no ${MANIFEST_FILE}: expected a new directory or one written by evac precompute (refusing to overwrite raw history)`,
      },
    ];
  }
  return [];
}

/**
 * What writeDataDir writes: planning data whose traces and demand may be made as they are
 * iterated (millions of folded samples are then never held at once).
 */
export interface DataDirContent extends Omit<PlanningData, 'traces' | 'demand'> {
  readonly traces: Iterable<TraceSample>;
  readonly demand: Iterable<DemandSample>;
}

/**
 * Writes planning data as a files-source directory (each file atomically), with a manifest.
 * Numbers are written in full precision, so reading the files back gives the same values.
 * Trace and demand rows given sorted by time-of-day bucket (as `evac precompute` makes them)
 * get a byte-range index per bucket in the manifest (`byBucket`).
 */
export function writeDataDir(
  dir: string,
  data: DataDirContent,
  manifest: Omit<PrecomputeManifest, 'rows' | 'byBucket'>,
  /** The day types plans from the directory use (the config's): with them, its column copy holds demand's levels too (level-columns.ts). */
  dayTypes?: DayTypes,
): PrecomputeManifest {
  // Names repeat on every row: each is quoted (or not) once.
  const quoted = new Map<string, string>();
  const quote = (v: string) => {
    let q = quoted.get(v);
    if (q === undefined) {
      q = /[",\n]/.test(v) ? `"${v.replaceAll('"', '""')}"` : v;
      quoted.set(v, q);
    }
    return q;
  };
  const cell = (v: string | number | null) => (v === null ? '' : typeof v === 'string' ? quote(v) : String(v));
  const cols = (key: keyof typeof DATA_FILES) => Object.keys(DATA_FILES[key].columns).join(',');
  const rows: Record<string, number> = {};
  // The traffic, trace and demand rows again as columns, for plans (see bucket-columns.ts).
  const columns = new ColumnsWriter(dir, manifest.bucketMinutes, dayTypes && { dayTypes, capacity: data.capacity });
  const table = <T>(
    key: keyof typeof DATA_FILES,
    items: Iterable<T>,
    fields: (r: T) => readonly (string | number | null)[],
    ranges?: RangeRecorder<T>,
    column?: (r: T, sink: ColumnSink) => void,
  ) => {
    const counted = { rows: 0 };
    const sink = column && (key === 'traffic' || key === 'traces' || key === 'demand') ? columns.table(key) : undefined;
    writeFileAtomic(
      dataFile(dir, key),
      csvChunks(
        cols(key),
        items,
        (r) => {
          if (sink) (column as (r: T, sink: ColumnSink) => void)(r, sink);
          return fields(r).map(cell).join(',');
        },
        counted,
        ranges,
      ),
    );
    sink?.end();
    rows[key] = counted.rows;
  };
  const bucketOfRow = (r: { t: number }) => bucketOf(r.t, manifest.bucketMinutes);
  const traceRanges = new RangeRecorder<TraceSample>(bucketOfRow, bucketsPerDay(manifest.bucketMinutes));
  const demandRanges = new RangeRecorder<DemandSample>(bucketOfRow, bucketsPerDay(manifest.bucketMinutes));
  const services = new Set<string>();
  const traceSeries = new Set<string>();
  try {
    table(
      'traffic',
      data.traffic,
      (s) => [s.t, s.region, s.device, s.value],
      undefined,
      (s, sink) => sink.row(s.region, s.device, undefined, s.t, s.value),
    );
    table(
      'traces',
      data.traces,
      (s) => {
        services.add(s.service);
        traceSeries.add(`${s.region}\u0000${s.service}`);
        return [s.t, s.region, s.service, s.device, s.count];
      },
      traceRanges,
      (s, sink) => sink.row(s.region, s.service, s.device, s.t, s.count),
    );
    table(
      'demand',
      data.demand,
      (s) => {
        services.add(s.service);
        return [s.t, s.region, s.service, s.value];
      },
      demandRanges,
      (s, sink) => sink.row(s.region, s.service, undefined, s.t, s.value),
    );
    table('capacity', data.capacity, (c) => [c.region, c.service, c.current, c.min, c.max, c.observedAt ?? null]);
    columns.capacity(data.capacity);
    table('evacuations', data.evacuations, (e) => [new Date(e.start * 1000).toISOString(), new Date(e.end * 1000).toISOString(), e.failedRegion]);
  } catch (error) {
    columns.abandon();
    throw error;
  }
  for (const r of data.capacity) services.add(r.service);
  const traces = traceRanges.result();
  const demand = demandRanges.result();
  const full: PrecomputeManifest = {
    ...manifest,
    rows,
    ...(traces && demand ? { byBucket: { traces, demand, services: services.size, traceSeries: traceSeries.size } } : {}),
  };
  // The copy only where the CSV is indexed by bucket (a plan reads it by bucket), written before
  // the manifest so that a directory with this manifest never has an older copy.
  columns.finish(traces && demand ? bucketsPerDay(manifest.bucketMinutes) : -1);
  writeFileAtomic(path.join(dir, MANIFEST_FILE), `${JSON.stringify(full, null, 2)}\n`);
  return full;
}

/** A CSV file as chunks of about 1 MiB: a big table is never held as one string. */
function* csvChunks<T>(header: string, rows: Iterable<T>, line: (r: T) => string, counted: { rows: number }, ranges?: RangeRecorder<T>): Generator<string> {
  let chunk = `${header}\n`;
  ranges?.start(Buffer.byteLength(chunk));
  for (const r of rows) {
    counted.rows += 1;
    const text = `${line(r)}\n`;
    ranges?.row(r, Buffer.byteLength(text));
    chunk += text;
    if (chunk.length >= 2 ** 20) {
      yield chunk;
      chunk = '';
    }
  }
  yield chunk;
}

/** Records where each bucket's rows lie while a table is written; nothing when the rows are not sorted by bucket. */
class RangeRecorder<T> {
  private readonly ranges: [number, number, number][];
  private offset = 0;
  private line = 1;
  private last = -1;
  private sorted = true;

  constructor(
    private readonly bucket: (row: T) => number,
    bucketCount: number,
  ) {
    this.ranges = Array.from({ length: bucketCount }, () => [0, 0, 2]);
  }

  start(headerBytes: number): void {
    this.offset = headerBytes;
    for (const r of this.ranges) r.splice(0, 3, headerBytes, 0, 2);
  }

  row(row: T, bytes: number): void {
    const b = this.bucket(row);
    this.line += 1;
    if (b < this.last) this.sorted = false;
    if (b !== this.last) {
      // Empty buckets before this one start where it starts.
      for (let e = this.last + 1; e <= b && e < this.ranges.length; e++) this.ranges[e] = [this.offset, 0, this.line];
      this.last = b;
    }
    const range = this.ranges[b];
    if (range) range[1] += bytes;
    this.offset += bytes;
  }

  result(): BucketRanges | undefined {
    if (!this.sorted) return undefined;
    for (let e = this.last + 1; e < this.ranges.length; e++) this.ranges[e] = [this.offset, 0, this.line + 1];
    return { bytes: this.offset, ranges: this.ranges };
  }
}
