import path from 'node:path';
import type { LoadedConfig } from '../config/load-config.ts';
import type { Result } from '../errors.ts';
import type { TraceSample } from '../model/planning-data.ts';
import { type ReadChecks, readTraces } from './data-files.ts';
import { DATA_FILES, dataFile } from './data-tables.ts';
import { isOtlpPath, OTLP_DIR, otlpFiles } from './otlp/otlp-files.ts';
import { locateTable } from './table-file.ts';
import { type TraceReport, traceReportLines, traceReportWarnings } from './otlp/trace-report.ts';

/** Trace counts, and when they were counted from spans, what reading the spans found. */
export interface TraceInput {
  readonly samples: readonly TraceSample[];
  readonly report?: TraceReport;
}

/** Called with the report of OTLP input (for stderr): the CLI prints it. */
export type TraceReportSink = (lines: readonly string[]) => void;

/**
 * Reads trace counts from a path: OTLP spans when it is a directory or a `.json[l]`, `.binpb` or
 * `.pb` file, optionally `.gz` (see docs/traces.md), else a `trace-samples.csv`.
 */
export async function readTraceInput(
  file: string,
  config: LoadedConfig,
  checks: ReadChecks = {},
  workers: 'auto' | 'never' | 'always' = 'auto',
): Promise<Result<TraceInput>> {
  const regions = new Set(config.evacuation.regions);
  if (!isOtlpPath(file)) {
    const csv = readTraces(file, regions, checks);
    return csv.ok ? { ok: true, data: { samples: csv.data } } : csv;
  }
  // Worker threads as for CSV tables (EVAC_WORKERS): never none, always two, else when the input pays for them.
  const threads = workers === 'never' ? { threads: 0 } : workers === 'always' ? { threads: 2 } : {};
  // Loaded when spans are read: a plan of CSV tables does not initialise the OTLP readers.
  const { readOtlpTraces } = await import('./otlp/read-otlp.ts');
  const otlp = await readOtlpTraces({ path: file, traces: config.evacuation.traces, regions, bucketMinutes: config.evacuation.bucketMinutes, ...threads });
  return otlp.ok ? { ok: true, data: { samples: otlp.data.samples, report: otlp.data.report } } : otlp;
}

/**
 * Where a data directory's traces are: the OTLP span files in `traces/`, or null when the trace
 * table (`trace-samples.csv`, or its Parquet forms) is to be read. Both at once is an error (which
 * one was meant cannot be known, and summing them would count the same requests twice); a
 * `traces/` folder without OTLP files is ignored.
 */
export function dataDirTraces(dir: string): Result<string | null> {
  const otlp = path.join(dir, OTLP_DIR);
  const listed = otlpFiles(otlp, { optional: true });
  if (!listed.ok) return listed;
  if (listed.data.length === 0) return { ok: true, data: null };
  const table = locateTable(dir, DATA_FILES.traces.file);
  if (table.found !== null || table.conflict !== undefined) {
    const csv = table.found?.path ?? dataFile(dir, 'traces');
    return {
      ok: false,
      issues: [
        {
          file: dir,
          message: `both ${csv} and OTLP span files in ${otlp}/: expected one source of trace counts (move one away; evac precompute turns the spans into ${DATA_FILES.traces.file})`,
        },
      ],
    };
  }
  return { ok: true, data: otlp };
}

/** The report's lines for stderr and its warnings for the plan; nothing for CSV input. */
export function traceInputNotes(input: TraceInput): { lines: string[]; warnings: string[] } {
  if (input.report === undefined) return { lines: [], warnings: [] };
  return { lines: traceReportLines(input.report), warnings: traceReportWarnings(input.report) };
}
