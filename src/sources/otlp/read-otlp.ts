import { statSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import type { TracesConfig } from '../../config/evacuation-config.ts';
import type { InputIssue, Result } from '../../errors.ts';
import type { TraceSample } from '../../model/planning-data.ts';
import { otlpFiles } from './otlp-files.ts';
import { MAX_ISSUES, readSpanFile, type SpanFileSetup } from './span-file.ts';
import { readFilesInWorkers } from './span-workers.ts';
import { TraceAssembler } from './trace-assembler.ts';
import type { TraceReport } from './trace-report.ts';

export interface OtlpReadOptions {
  /** A file, or a directory of `.json[l][.gz]` files. */
  readonly path: string;
  readonly traces: TracesConfig;
  /** The regions of evacuation.yaml: spans of other regions are reported, not counted. */
  readonly regions: ReadonlySet<string>;
  readonly bucketMinutes: number;
  /**
   * Worker threads reading the files (0: all in this thread). Default: one per core (at most one
   * per file) when the input is large enough to pay for starting them, see `readerThreads`.
   */
  readonly threads?: number;
}

export interface OtlpTraces {
  /** One sample per (service, region, device, bucket occurrence), stamped at the occurrence's start. */
  readonly samples: TraceSample[];
  readonly report: TraceReport;
}

/**
 * Reads OTLP/JSON span files (the OpenTelemetry Collector file exporter's format: one
 * ExportTraceServiceRequest per line, optionally gzipped) and counts requests per service,
 * region, device type and bucket occurrence. See docs/traces.md for the rules.
 * A line that is not an ExportTraceServiceRequest is an issue naming the file, line and field.
 * The files are read in worker threads when large (the result is the same either way); this
 * thread assembles the traces.
 */
export async function readOtlpTraces(options: OtlpReadOptions): Promise<Result<OtlpTraces>> {
  const listed = otlpFiles(options.path);
  if (!listed.ok) return listed;
  const files = listed.data;
  if (files.length === 0)
    return { ok: false, issues: [{ file: options.path, message: 'no OTLP files: expected *.json, *.jsonl, *.json.gz or *.jsonl.gz (see docs/traces.md)' }] };
  const setup: SpanFileSetup = { traces: options.traces, bucketSeconds: options.bucketMinutes * 60 };
  const assembler = new TraceAssembler(setup.bucketSeconds, options.regions);
  const threads = options.threads ?? readerThreads(files);
  let perFile: InputIssue[][];
  if (threads > 0) perFile = await readFilesInWorkers(files, setup, threads, (batch) => assembler.add(batch));
  else {
    perFile = [];
    for (const [fileIndex, file] of files.entries()) perFile.push(await readSpanFile(file, fileIndex, setup, (batch) => assembler.add(batch)));
  }
  const issues: InputIssue[] = [];
  for (const fileIssues of perFile) for (const issue of fileIssues) if (issue.line === undefined || issues.length < MAX_ISSUES) issues.push(issue);
  if (issues.length > 0) return { ok: false, issues };
  return { ok: true, data: assembler.finish(files.length) };
}

/**
 * Bytes of plain OTLP/JSON below which worker threads cost more than they save: each thread
 * starts cold (its own compiler warm-up), 120 to 200 ms of CPU; measured on 2 cores, threads
 * lost up to 65 MB (100,000 spans) on a busy machine. About 200,000 spans.
 */
export const THREADS_FROM_BYTES = 128 << 20;
/** Gzipped OTLP/JSON is about this many times smaller than plain. */
const GZIP_RATIO = 10;

/**
 * How many worker threads read `files`: none for small input (starting a thread costs tens of
 * milliseconds from the bundle, several hundred through tsx), else one per core, at most one per
 * file (a file is read by one thread).
 */
export function readerThreads(files: readonly string[]): number {
  let bytes = 0;
  for (const f of files) bytes += statSync(f).size * (f.endsWith('.gz') ? GZIP_RATIO : 1);
  if (bytes < THREADS_FROM_BYTES) return 0;
  return Math.min(files.length, availableParallelism());
}
