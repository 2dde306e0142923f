import os from 'node:os';
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

/** From this many bytes of series tables together, a worker thread reads part of them (one costs 20-40 ms to start). */
export const PARALLEL_MIN_BYTES = 16 * 2 ** 20;

export interface ParallelOptions {
  /** A worker thread: `auto` (default) by size when there are 2 cores; `never`; `always` (tests: whatever the size). */
  readonly workers?: 'auto' | 'never' | 'always' | undefined;
  readonly progress?: ProgressSink | undefined;
}

/** A part's outcome: the scan (null: the checker must read the file) and its fold. */
interface Part {
  readonly scan: ScanResult | null;
  readonly state: FoldState | null;
}

/**
 * A worker thread started before it has work (see startScanWorkerFor): it boots while this
 * thread reads what decides its task (the traffic table sets the history window).
 */
export interface ScanWorker {
  /** Runs `task` on the thread; afterwards the thread ends. */
  run(task: ScanTask): Promise<Part>;
  /** Ends the thread if it was given no task. */
  release(): void;
  /** Ends the thread, with or without a task (a task's result is then a failure: not used). */
  stop(): void;
}

/**
 * The worker thread for series tables of `bytes` in all, or null when one thread reads them
 * (see scanSeriesTables). Start it early, hand it to scanSeriesTables, release it after.
 */
export function startScanWorkerFor(bytes: number, options: ParallelOptions = {}): ScanWorker | null {
  const wanted = options.workers === 'always' || (options.workers !== 'never' && bytes >= PARALLEL_MIN_BYTES && os.availableParallelism() >= 2);
  return wanted ? startScanWorker() : null;
}

/** One worker thread, waiting for its task. */
export function startScanWorker(): ScanWorker {
  const worker = startWorkerThread(import.meta.url, './scan-worker.ts', 'scan-worker.cjs', null);
  let given = false;
  let ended = false;
  const exited = new Promise<void>((resolve) =>
    worker.once('exit', () => {
      ended = true;
      resolve();
    }),
  );
  // A worker that fails (it should not) ends: its table goes to the checker, which names any problem.
  worker.on('error', () => undefined);
  const failed: Part = { scan: null, state: null };
  return {
    run(task) {
      given = true;
      if (ended) return Promise.resolve(failed);
      return new Promise((resolve) => {
        // Its result arrives before it ends; ending without one is a failure.
        worker.once('message', (part: Part) => resolve(part));
        void exited.then(() => resolve(failed));
        worker.postMessage(task);
      });
    },
    release() {
      if (!given) void worker.terminate();
    },
    stop() {
      void worker.terminate();
    },
  };
}

/**
 * Reads CSV series tables folded (csv-scan.ts, series-fold.ts), on two threads when a `worker`
 * is given (see startScanWorkerFor): the bytes are shared evenly between it and this thread, the
 * worker reading the front of the trace table, this thread the rest of it and the demand table
 * (or, when demand is the bigger table, each thread one table). The parts' folds are then added
 * up in file order. Trace counts are whole numbers, so their sums do not depend on where the
 * ranges split; a split table holding fractions is read again in one pass, so that every sum is
 * added in file order, as the row-by-row reader adds it. A worker left without a task is released.
 *
 * Per table: its samples, its issues (as one scan of it words them), or null when the
 * row-by-row checker must read it (not a regular file, a header the scanner does not map).
 */
export async function scanSeriesTables(
  jobs: readonly TableJob[],
  params: FoldParams,
  options: SeriesScanOptions = {},
): Promise<(Result<Samples<SamplesOf<SeriesTable>>> | null)[]> {
  return startSeriesScan(jobs, params, options).finish();
}

export interface SeriesScanOptions {
  readonly progress?: ProgressSink | undefined;
  readonly worker?: ScanWorker | null | undefined;
  /** Bytes this thread reads elsewhere while the worker reads its part (they count in the even share). */
  readonly busyHereBytes?: number | undefined;
}

/** Series tables being read (see startSeriesScan). */
export interface SeriesScan {
  /** Reads this thread's part, then adds up the parts: per table, what scanSeriesTables returns. */
  finish(): Promise<(Result<Samples<SamplesOf<SeriesTable>>> | null)[]>;
  /** Drops the read, ending the worker's part (its parameters turned out wrong). */
  abandon(): void;
}

/**
 * Starts `scanSeriesTables`: the worker's part runs from now on, this thread's runs in `finish`,
 * so that this thread can read something else meanwhile (`busyHereBytes` of it).
 */
export function startSeriesScan(jobs: readonly TableJob[], params: FoldParams, options: SeriesScanOptions = {}): SeriesScan {
  const whole = (job: TableJob): ScanTask => ({ ...params, window: job.window ?? params.window, file: job.file, table: job.table, buckets: job.buckets });
  const { worker } = options;
  const lanes = worker ? shareOut(jobs, whole, options.busyHereBytes ?? 0) : jobs.map((job, i): Lane => ({ job: i, task: whole(job), away: false }));
  const awayLane = lanes.find((lane) => lane.away);
  if (!awayLane) worker?.release();
  const away = awayLane && worker ? worker.run(awayLane.task) : null;
  return {
    async finish() {
      const here = lanes.map((lane) => (lane.away ? null : runHere(lane.task, options.progress)));
      const parts = await Promise.all(here.map((part) => part ?? (away as Promise<Part>)));
      return jobs.map((job, i) => {
        const merged = merge(
          job,
          params,
          parts.filter((_, l) => lanes[l]?.job === i),
        );
        if (merged !== 'refold') return merged;
        // Fractions summed in two ranges: read again in one pass (see above).
        const again = merge(job, params, [runHere(whole(job), options.progress)]);
        return again === 'refold' ? null : again;
      });
    },
    abandon() {
      worker?.stop();
    },
  };
}

/** A task and its thread; a table's lanes are in file order. */
interface Lane {
  readonly job: number;
  readonly task: ScanTask;
  /** On the worker thread, else this one. */
  readonly away: boolean;
}

/**
 * The tables' tasks shared between the worker and this thread, half of the bytes each (see
 * scanSeriesTables). Measured on 2 cores (README, "Large data sets"), one worker sharing
 * evenly beat two workers (one per table, one per half of the trace table) by about 10%, at 1.1M
 * and at 18.1M rows.
 */
function shareOut(jobs: readonly TableJob[], whole: (job: TableJob) => ScanTask, busyHereBytes: number): Lane[] {
  const traces = jobs.findIndex((j) => j.table === 'traces');
  const tracesJob = jobs[traces];
  const rest = jobs.flatMap((job, i): Lane[] => (i === traces ? [] : [{ job: i, task: whole(job), away: false }]));
  if (tracesJob === undefined || tracesJob.bytes === 0) return rest;
  const cut = Math.ceil(jobs.reduce((sum, j) => sum + j.bytes, busyHereBytes) / 2);
  if (cut >= tracesJob.bytes) return [{ job: traces, task: whole(tracesJob), away: true }, ...rest];
  return [
    { job: traces, task: { ...whole(tracesJob), range: { start: 0, end: cut } }, away: true },
    { job: traces, task: { ...whole(tracesJob), range: { start: cut, end: Number.MAX_SAFE_INTEGER } }, away: false },
    ...rest,
  ];
}

function runHere(task: ScanTask, progress?: ProgressSink): Part {
  const { scan, fold } = runScanTask(task, progress);
  return { scan, state: scan === null ? null : fold.state() };
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
