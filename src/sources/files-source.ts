import type { InputIssue, Result } from '../errors.ts';
import { inputError, unwrap } from '../errors.ts';
import type { PlanningData, TraceSample } from '../model/planning-data.ts';
import { directoryIssues } from '../input-file.ts';
import { manifestIssues, type ReadChecks, readCapacity, readDemand, readEvacuations, readManifest, readTraces, readTraffic } from './data-files.ts';
import { dataFile } from './data-tables.ts';
import type { DataSource, LoadRequest, LoadResult } from './data-source.ts';
import { dataDirTraces, readTraceInput, type TraceReportSink, traceInputNotes } from './trace-input.ts';
import { loadDataDir } from './engine-load.ts';
import { readPrecomputedBuckets } from './precomputed-ranges.ts';
import type { ProgressSink } from './progress-line.ts';

/**
 * The embedded default source: CSV (or Parquet) files in one directory (see README, "Data
 * files"), the interchange format for data aggregated elsewhere (Athena, Spark...). Read
 * through the columnar engine (src/sources/engine-load.ts); `progress` receives a line now
 * and then while a big file is read.
 */
export class FilesSource implements DataSource {
  constructor(
    private readonly dir: string,
    private readonly options: FilesSourceOptions = {},
  ) {}

  async load(request: LoadRequest): Promise<LoadResult> {
    const dirIssues = directoryIssues(this.dir, 'data directory not found: expected a directory with the CSV files of README, "Data files"');
    if (dirIssues.length > 0) throw inputError(dirIssues);
    const manifest = unwrap(readManifest(this.dir));
    if (manifest) {
      const issues = manifestIssues(this.dir, manifest, request.config.evacuation, request.to);
      if (issues.length > 0) throw inputError(issues);
    }
    const hint = `fix the rows above, or run "evac validate --data ${this.dir}"`;
    const tracesPath = unwrap(dataDirTraces(this.dir), hint);
    // OTLP spans are read here (streamed) and handed to the table reader, which then skips
    // trace-samples; a CSV or Parquet trace table is read with the other tables.
    const otlp = tracesPath === null ? undefined : unwrap(await readTraceInput(tracesPath, request.config, {}, this.options.workers), hint);
    const notes = otlp === undefined ? { lines: [], warnings: [] } : traceInputNotes(otlp);
    if (notes.lines.length > 0) this.options.onTraceReport?.(notes.lines);
    const { regions, lookbackDays, bucketMinutes } = request.config.evacuation;
    const reader = this.options.reader ?? 'auto';
    // A precomputed directory indexed by bucket: only the buckets the caller needs.
    const plan = { to: request.to, lookbackDays, dayTypes: { rule: request.config.evacuation.dayTypes, timeZones: request.config.evacuation.timeZones } };
    const some = manifest && request.buckets && otlp === undefined ? readPrecomputedBuckets(this.dir, manifest, new Set(regions), request.buckets, plan) : null;
    const result =
      some ??
      (reader === 'rows'
        ? readDataDir(this.dir, new Set(regions), {}, otlp?.samples)
        : await loadDataDir(this.dir, {
            regions,
            bucketMinutes,
            lookbackDays,
            at: request.to,
            from: request.from,
            progress: this.options.progress,
            workers: this.options.workers,
            // One plan needs demand in a few buckets (its window, its capacity observations).
            demandBuckets: request.buckets && ((partial) => request.buckets?.(partial, NOTHING_READ).demand ?? []),
            ...(otlp === undefined ? {} : { traces: otlp.samples }),
          }));
    if (!result.ok) throw inputError(result.issues, hint);
    const description = manifest
      ? `history precomputed in ${this.dir} (to ${manifest.dataEnd}, from ${manifest.source}, made ${manifest.createdAt})`
      : `files in ${this.dir}${tracesPath === null ? '' : `, traces from OTLP spans in ${tracesPath}`}`;
    const warnings = [...(manifest?.warnings ?? []), ...notes.warnings];
    return { data: result.data, unreachable: [], apiCalls: {}, description, ...(warnings.length > 0 ? { warnings } : {}) };
  }
}

/** What a first ask of LoadRequest.buckets has read: no trace or demand bucket yet. */
const NOTHING_READ = { traces: new Set<number>(), demand: new Set<number>(), unseenTraceSeries: false } as const;

export interface FilesSourceOptions {
  /** Receives a line now and then while a big file is read. */
  readonly progress?: ProgressSink;
  /**
   * `engine` or `auto` (default): read folded (engine-load.ts: CSV scanned byte by byte,
   * Parquet through the columnar engine); `rows`: the row-by-row checker, one object per row
   * (CSV only; what `evac validate` uses). Both give the same plans
   * (test/sources/engine-equivalence.test.ts).
   */
  readonly reader?: 'auto' | 'engine' | 'rows';
  /** Worker threads for big CSV tables: `auto` (default), `never`, `always` (see parallel-scan.ts). */
  readonly workers?: 'auto' | 'never' | 'always';
  /** Receives the report of OTLP span input (`traces/`), for stderr. */
  readonly onTraceReport?: TraceReportSink;
}

/**
 * Reads and checks every CSV data file in a directory row by row, into one object per row; all
 * problems of all files are returned. What `evac validate` uses, and the reference the
 * engine is tested against.
 * @param traces_ trace counts read already (from OTLP spans): trace-samples.csv is not read
 */
export function readDataDir(dir: string, regions: ReadonlySet<string>, checks: ReadChecks = {}, traces_?: readonly TraceSample[]): Result<PlanningData> {
  const dirIssues = directoryIssues(dir, 'data directory not found: expected a directory with the CSV files of README, "Data files"');
  if (dirIssues.length > 0) return { ok: false, issues: dirIssues };
  const traffic = readTraffic(dataFile(dir, 'traffic'), regions, checks);
  const traces: Result<readonly TraceSample[]> = traces_ === undefined ? readTraces(dataFile(dir, 'traces'), regions, checks) : { ok: true, data: traces_ };
  const demand = readDemand(dataFile(dir, 'demand'), regions, checks);
  const capacity = readCapacity(dataFile(dir, 'capacity'), regions);
  const evacuations = readEvacuations(dataFile(dir, 'evacuations'), regions, checks);
  const issues: InputIssue[] = [];
  for (const r of [traffic, traces, demand, capacity, evacuations]) if (!r.ok) issues.push(...r.issues);
  if (!traffic.ok || !traces.ok || !demand.ok || !capacity.ok || !evacuations.ok) return { ok: false, issues };
  if (traffic.data.length === 0) {
    return { ok: false, issues: [{ file: dataFile(dir, 'traffic'), message: 'no rows: expected regional traffic by device type' }] };
  }
  return { ok: true, data: { traffic: traffic.data, traces: traces.data, demand: demand.data, capacity: capacity.data, evacuations: evacuations.data } };
}
