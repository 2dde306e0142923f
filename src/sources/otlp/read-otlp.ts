import { statSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import type { TracesConfig } from '../../config/evacuation-config.ts';
import type { InputIssue, Result } from '../../errors.ts';
import type { TraceSample } from '../../model/planning-data.ts';
import { OTLP_PROTO_FILE, otlpFiles } from './otlp-files.ts';
import type { SpanBatch } from './span-batch.ts';
import { MAX_ISSUES, MAX_RANGES, readSpanFile, type SpanFileSetup, type SpanFileTask } from './span-file.ts';
import { readTasksInWorkers, type TaskResult } from './span-workers.ts';
import { TraceAssembler } from './trace-assembler.ts';
import type { TraceReport } from './trace-report.ts';

export interface OtlpReadOptions {
  /** A file, or a directory of OTLP files (`.json[l]`, `.binpb`, `.pb`, optionally `.gz`). */
  readonly path: string;
  readonly traces: TracesConfig;
  /** The regions of evacuation.yaml: spans of other regions are reported, not counted. */
  readonly regions: ReadonlySet<string>;
  readonly bucketMinutes: number;
  /**
   * Worker threads reading the files besides this thread (0: all in this thread). Default: one
   * per other core when the input is large enough to pay for starting them, see `readerThreads`.
   * With threads, a big plain file is read in ranges, two per reading thread.
   */
  readonly threads?: number;
  /** With threads, plain files this big or bigger are read in ranges (default SPLIT_FROM_BYTES; tests set 1). */
  readonly rangesFromBytes?: number;
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
 * The files are read in worker threads and this thread when large (the result is the same
 * either way); this thread assembles the traces.
 */
export async function readOtlpTraces(options: OtlpReadOptions): Promise<Result<OtlpTraces>> {
  const listed = otlpFiles(options.path);
  if (!listed.ok) return listed;
  const files = listed.data;
  if (files.length === 0)
    return {
      ok: false,
      issues: [
        {
          file: options.path,
          message: 'no OTLP files: expected *.json or *.jsonl (OTLP/JSON), *.binpb or *.pb (protobuf), each optionally .gz (see docs/traces.md)',
        },
      ],
    };
  const setup: SpanFileSetup = { traces: options.traces, bucketSeconds: options.bucketMinutes * 60 };
  const sizes = files.map((f) => statSync(f).size);
  const assembler = new TraceAssembler(setup.bucketSeconds, options.regions, expectedSpans(files, sizes));
  const threads = options.threads ?? readerThreads(files, sizes);
  const tasks = readTasks(files, sizes, threads, options.rangesFromBytes ?? SPLIT_FROM_BYTES);
  const onBatch = (batch: SpanBatch) => assembler.add(batch);
  let results: TaskResult[];
  if (threads > 0) results = await readTasksInWorkers(tasks, setup, threads, onBatch);
  else {
    results = [];
    for (const task of tasks) results.push(await readSpanFile(task, setup, onBatch, { lend: true, ahead: true }));
  }
  const issues: InputIssue[] = [];
  let linesBefore = 0;
  for (const [t, { issues: found, lines }] of results.entries()) {
    // A range's lines are numbered from 1: add the lines of the ranges before it in its file.
    if (tasks[t]!.range === undefined || tasks[t]!.range?.index === 0) linesBefore = 0;
    for (const issue of found) {
      if (issue.line !== undefined && issues.length >= MAX_ISSUES) continue;
      issues.push(issue.line === undefined ? issue : { ...issue, line: issue.line + linesBefore });
    }
    linesBefore += lines;
  }
  if (issues.length > 0) return { ok: false, issues };
  return { ok: true, data: assembler.finish(files.length) };
}

/** A plain file at least this big is read in byte ranges (two per reading thread), when worker threads read. */
export const SPLIT_FROM_BYTES = 64 << 20;

/**
 * The files to read, a plain file of `splitFrom` bytes or more cut in two ranges per reading
 * thread when worker threads read (so that one big file keeps every core busy, and the thread
 * that also assembles, with less time to read, takes fewer ranges; four were measured to cost
 * more CPU, as much as a shorter last range saved).
 */
function readTasks(files: readonly string[], sizes: readonly number[], threads: number, splitFrom: number): SpanFileTask[] {
  const tasks: SpanFileTask[] = [];
  for (const [fileIndex, file] of files.entries()) {
    const size = sizes[fileIndex]!;
    const parts = threads === 0 ? 1 : Math.min(2 * (threads + 1), MAX_RANGES);
    // Gzip and protobuf are read from their start (no line to resync on).
    if (parts < 2 || file.endsWith('.gz') || OTLP_PROTO_FILE.test(file) || size < splitFrom) {
      tasks.push({ file, fileIndex });
      continue;
    }
    for (let index = 0; index < parts; index++) {
      const start = Math.floor((size * index) / parts);
      const end = index === parts - 1 ? Number.POSITIVE_INFINITY : Math.floor((size * (index + 1)) / parts);
      tasks.push({ file, fileIndex, range: { start, end, index } });
    }
  }
  return tasks;
}

/**
 * Bytes of plain OTLP/JSON below which worker threads cost more than they save: each thread
 * starts cold (its own compiler warm-up), 120 to 200 ms of CPU; measured on 2 cores, threads
 * lost up to 65 MB (100,000 spans) on a busy machine. About 200,000 spans.
 */
export const THREADS_FROM_BYTES = 128 << 20;
/** Gzipped OTLP/JSON is about this many times smaller than plain. */
const GZIP_RATIO = 10;

/** Bytes per span of OTLP/JSON and of protobuf, about the fewest (the SDK writes 500 to 700 and 200 to 300): guesses to make room by. */
const JSON_BYTES_PER_SPAN = 400;
const PROTO_BYTES_PER_SPAN = 150;

/** About how many spans `files` (of `sizes` bytes) hold at most, gzip counted unzipped: the room the assembler makes at once. */
function expectedSpans(files: readonly string[], sizes: readonly number[]): number {
  let spans = 0;
  for (const [i, f] of files.entries())
    spans += (sizes[i]! * (f.endsWith('.gz') ? GZIP_RATIO : 1)) / (OTLP_PROTO_FILE.test(f) ? PROTO_BYTES_PER_SPAN : JSON_BYTES_PER_SPAN);
  return Math.ceil(spans);
}

/**
 * How many worker threads read `files` (of `sizes` bytes) besides this thread: none for small
 * input (a thread starts in tens of milliseconds from the bundle, several hundred through tsx,
 * and then warms up), else one per other core.
 */
export function readerThreads(files: readonly string[], sizes: readonly number[]): number {
  let bytes = 0;
  for (const [i, f] of files.entries()) bytes += sizes[i]! * (f.endsWith('.gz') ? GZIP_RATIO : 1);
  return bytes < THREADS_FROM_BYTES ? 0 : availableParallelism() - 1;
}
