import { statSync } from 'node:fs';
import type { InputIssue, Result } from '../errors.ts';
import { inputError, unwrap } from '../errors.ts';
import type { PlanningData, TraceSample } from '../model/planning-data.ts';
import { directoryIssues } from '../input-file.ts';
import {
  DATA_FILES,
  dataFile,
  manifestIssues,
  type ReadChecks,
  readCapacity,
  readDemand,
  readEvacuations,
  readManifest,
  readTraces,
  readTraffic,
} from './data-files.ts';
import type { DataSource, LoadRequest, LoadResult } from './data-source.ts';
import { dataDirTraces, readTraceInput, type TraceReportSink, traceInputNotes } from './trace-input.ts';
import { readPrecomputedBuckets } from './precomputed-ranges.ts';
import type { ProgressSink } from './progress-line.ts';
import { locateTable } from './table-file.ts';

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
    const otlp = tracesPath === null ? undefined : unwrap(await readTraceInput(tracesPath, request.config), hint);
    const notes = otlp === undefined ? { lines: [], warnings: [] } : traceInputNotes(otlp);
    if (notes.lines.length > 0) this.options.onTraceReport?.(notes.lines);
    const { regions, lookbackDays, bucketMinutes } = request.config.evacuation;
    const reader = this.options.reader ?? 'auto';
    // A precomputed directory indexed by bucket: only the buckets the caller needs.
    const some = manifest && request.buckets && otlp === undefined ? readPrecomputedBuckets(this.dir, manifest, new Set(regions), request.buckets) : null;
    const result =
      some ??
      (reader === 'rows' || (reader === 'auto' && !wantsEngine(this.dir))
        ? readDataDir(this.dir, new Set(regions), {}, otlp?.samples)
        : // Loaded only when used: the engine's native module costs a plan from small files ~0.1 s.
          await (await import('./engine-load.ts')).loadDataDir(this.dir, {
            regions,
            bucketMinutes,
            lookbackDays,
            at: request.to,
            progress: this.options.progress,
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

export interface FilesSourceOptions {
  /** Receives a line now and then while a big file is read. */
  readonly progress?: ProgressSink;
  /**
   * `engine`: always the columnar engine; `rows`: always the row-by-row reader (CSV only);
   * `auto` (default): the engine for Parquet or for CSV series files of ENGINE_MIN_BYTES or more
   * together, the row-by-row reader below (where the engine's fixed costs outweigh its speed).
   * Both give the same plans (test/sources/engine-equivalence.test.ts).
   */
  readonly reader?: 'auto' | 'engine' | 'rows';
  /** Receives the report of OTLP span input (`traces/`), for stderr. */
  readonly onTraceReport?: TraceReportSink;
}

/** Below this many bytes of CSV traffic, traces and demand, reading row by row is faster. */
export const ENGINE_MIN_BYTES = 64 * 2 ** 20;

function wantsEngine(dir: string): boolean {
  let bytes = 0;
  for (const key of ['traffic', 'traces', 'demand'] as const) {
    const lookup = locateTable(dir, DATA_FILES[key].file);
    // Two forms of one table: the engine's reader reports the conflict.
    if (lookup.found === null && lookup.conflict) return true;
    const table = lookup.found;
    if (!table) continue;
    if (table.format === 'parquet') return true;
    try {
      bytes += statSync(table.path).size;
    } catch {
      // Not a file: the reader names the problem.
    }
  }
  return bytes >= ENGINE_MIN_BYTES;
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
