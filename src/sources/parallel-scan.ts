import os from 'node:os';
import type { Worker } from 'node:worker_threads';
import type { InputIssue, Result } from '../errors.ts';
import type { Samples } from '../model/planning-data.ts';
import type { SeriesTable } from './aggregate-sql.ts';
import { mergeScanIssues, type ScanResult } from './csv-scan.ts';
import type { ProgressSink } from './progress-line.ts';
import { type FoldParams, runScanTask, type ScanTask } from './scan-task.ts';
import { type FoldState, SeriesFold } from './series-fold.ts';
import type { SamplesOf } from './series-samples.ts';
import { startWorkerThread } from './worker-thread.ts';

/** A CSV series table to read. */
export interface TableJob<K extends SeriesTable = SeriesTable> {
  readonly table: K;
  readonly file: string;
  readonly bytes: number;
  /** The time-of-day buckets wanted of this table (see SeriesFold); absent: all. */
  readonly buckets?: readonly number[] | undefined;
  /** This table's window, when it is not the shared one (demand keeps capacity observation days as read). */
  readonly window?: FoldParams['window'] | undefined;
}

/** Below this many bytes of series tables together, one thread reads them (a worker costs ~40 ms to start). */
export const PARALLEL_MIN_BYTES = 64 * 2 ** 20;
/** A trace table this big is read in two byte ranges at once. */
export const SPLIT_MIN_BYTES = 8 * 2 ** 20;

export interface ParallelOptions {
  /** Worker threads: `auto` (default) when the tables are big enough and there are 2 cores; `never`; `always` (tests). */
  readonly workers?: 'auto' | 'never' | 'always' | undefined;
  readonly progress?: ProgressSink | undefined;
}

/** A part's outcome: the scan (null: the checker must read the file) and its fold. */
interface Part {
  readonly scan: ScanResult | null;
  readonly state: FoldState | null;
}

/**
 * Reads CSV series tables folded (csv-scan.ts, series-fold.ts), on two cores when they are
 * big: each table on its own thread, and a big trace table in two byte ranges, whose folds are
 * then added up in file order. Trace counts are whole numbers, so their sums do not depend on
 * where the ranges split; a split table holding fractions is read again in one pass, so that
 * every sum is added in file order, as the row-by-row reader adds it.
 *
 * Per table: its samples, its issues (as one scan of it words them), or null when the
 * row-by-row checker must read it (not a regular file, a header the scanner does not map).
 */
export async function scanSeriesTables(
  jobs: readonly TableJob[],
  params: FoldParams,
  options: ParallelOptions = {},
): Promise<(Result<Samples<SamplesOf<SeriesTable>>> | null)[]> {
  const total = jobs.reduce((sum, j) => sum + j.bytes, 0);
  const parallel =
    options.workers === 'always' || (options.workers !== 'never' && total >= PARALLEL_MIN_BYTES && os.availableParallelism() >= 2 && jobs.length > 0);
  const tasks: { job: number; task: ScanTask }[] = [];
  jobs.forEach((job, i) => {
    const base = { ...params, window: job.window ?? params.window, file: job.file, table: job.table, buckets: job.buckets };
    const split = parallel && job.table === 'traces' && (job.bytes >= SPLIT_MIN_BYTES || options.workers === 'always');
    if (!split) tasks.push({ job: i, task: base });
    else {
      const middle = Math.floor(job.bytes / 2);
      tasks.push({ job: i, task: { ...base, range: { start: 0, end: middle } } });
      tasks.push({ job: i, task: { ...base, range: { start: middle, end: Number.MAX_SAFE_INTEGER } } });
    }
  });
  const parts: Part[] = parallel
    ? await runParallel(
        tasks.map((t) => t.task),
        options.progress,
      )
    : tasks.map((t) => runHere(t.task, options.progress));
  return jobs.map((job, i) => {
    const mine = parts.filter((_, p) => tasks[p]?.job === i);
    const merged = merge(job, params, mine);
    if (merged !== 'refold') return merged;
    // Fractions summed in two ranges: read again in one pass (see above).
    const again = merge(job, params, [
      runHere({ ...params, window: job.window ?? params.window, file: job.file, table: job.table, buckets: job.buckets }, options.progress),
    ]);
    return again === 'refold' ? null : again;
  });
}

function runHere(task: ScanTask, progress?: ProgressSink): Part {
  const { scan, fold } = runScanTask(task, progress);
  return { scan, state: scan === null ? null : fold.state() };
}

/** Runs the first task on this thread and the others on worker threads. */
async function runParallel(tasks: readonly ScanTask[], progress?: ProgressSink): Promise<Part[]> {
  const others = tasks.slice(1).map((task) => inWorker(task));
  const first = tasks[0] ? [runHere(tasks[0], progress)] : [];
  return [...first, ...(await Promise.all(others))];
}

function inWorker(task: ScanTask): Promise<Part> {
  return new Promise((resolve) => {
    const worker = startWorker(task);
    let done = false;
    worker.once('message', (part: Part) => {
      done = true;
      resolve(part);
    });
    // A worker that fails (it should not) hands the file to the checker, which names any problem.
    worker.once('error', () => {
      if (!done) resolve({ scan: null, state: null });
    });
    worker.once('exit', () => {
      if (!done) resolve({ scan: null, state: null });
    });
  });
}

/**
 * The worker's script: dist/scan-worker.mjs beside the bundle, or the TypeScript source
 * through tsx when evac runs from its sources (an edited checkout, the tests).
 */
function startWorker(task: ScanTask): Worker {
  return startWorkerThread(import.meta.url, './scan-worker.ts', 'scan-worker.mjs', task);
}

/** One table's parts in file order: samples, issues, null (the checker reads it), or `refold`. */
function merge(job: TableJob, params: FoldParams, parts: readonly Part[]): Result<Samples<SamplesOf<SeriesTable>>> | null | 'refold' {
  if (parts.some((p) => p.scan === null || p.state === null)) return null;
  const scans = parts.map((p) => p.scan as ScanResult);
  const issues: InputIssue[] = mergeScanIssues(job.file, scans);
  if (issues.length > 0) return { ok: false, issues };
  if (parts.length > 1 && parts.some((p) => p.state?.fractional)) return 'refold';
  const fold = new SeriesFold(job.table, params.bucketMinutes, job.window ?? params.window, params.evacuations, job.buckets);
  const names: (readonly string[])[] = [];
  const index = new Map<string, number>();
  for (const part of parts) {
    const scan = part.scan as ScanResult;
    const map = new Int32Array(scan.series.length);
    scan.series.forEach((key, s) => {
      const joined = key.join('\u0000');
      let n = index.get(joined);
      if (n === undefined) {
        n = names.length;
        names.push(key);
        index.set(joined, n);
      }
      map[s] = n;
    });
    fold.absorb(part.state as FoldState, map);
  }
  return { ok: true, data: fold.samples(names) };
}
