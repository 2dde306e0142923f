import { statSync } from 'node:fs';
import path from 'node:path';
import type { EngineWindow, SeriesTable, SqlEvacuation } from './aggregate-sql.ts';
import { SERIES_TABLES } from './aggregate-sql.ts';
import { type ByteRange, type ScanResult, type ScanSink, scanCsv } from './csv-scan.ts';
import { DATA_FILES } from './data-tables.ts';
import { type ProgressSink, readProgress } from './progress-line.ts';
import { type FoldState, SeriesFold } from './series-fold.ts';

/** How a series table folds: the same for every part of it, on any thread. */
export interface FoldParams {
  readonly regions: readonly string[];
  readonly bucketMinutes: number;
  readonly window: EngineWindow;
  readonly evacuations: readonly SqlEvacuation[];
  /** The buckets wanted (see SeriesFold); absent: all. */
  readonly buckets?: readonly number[] | undefined;
}

/** One CSV series table, or one byte range of it, to scan and fold (plain data: it crosses to worker threads). */
export interface ScanTask extends FoldParams {
  readonly file: string;
  readonly table: SeriesTable;
  readonly range?: ByteRange;
}

/**
 * Scans a CSV series table (or a range of it) into `sink`; null when the checker must read it
 * (not a regular file, unreadable, a header the scanner does not map).
 */
export function scanTable(
  file: string,
  table: SeriesTable,
  regions: ReadonlySet<string>,
  sink: ScanSink,
  progress?: ProgressSink,
  range?: ByteRange,
): ScanResult | null {
  let size: number;
  try {
    const stat = statSync(file);
    if (!stat.isFile()) return null;
    size = stat.size;
  } catch {
    return null;
  }
  const { keys, value } = SERIES_TABLES[table];
  // A range (this thread's part of a file read on two threads) is named with where it lies.
  const part = range && (range.start > 0 || range.end < size) ? range : undefined;
  const at = (bytes: number) => `${Math.round((Math.min(bytes, size) / Math.max(1, size)) * 100)}%`;
  const label = part ? `${path.basename(file)} [${at(part.start)}-${at(part.end)}]` : path.basename(file);
  const shown = readProgress(progress, label, part ? Math.min(part.end, size) - part.start : size);
  try {
    const result = scanCsv(file, { columns: DATA_FILES[table].columns, time: 'timestamp', keys, value }, regions, sink, shown.step, range);
    shown.done(result?.rows ?? 0);
    return result;
  } catch {
    // Unreadable (permissions, an I/O error...): the checker names the problem.
    return null;
  }
}

/** Scans and folds one task: what a worker thread runs, and the main thread too. */
export function runScanTask(task: ScanTask, progress?: ProgressSink): { readonly scan: ScanResult | null; readonly fold: SeriesFold<SeriesTable> } {
  const fold = new SeriesFold(task.table, task.bucketMinutes, task.window, task.evacuations, task.buckets);
  const scan = scanTable(task.file, task.table, new Set(task.regions), fold, progress, task.range);
  return { scan, fold };
}

/** A task's outcome: the scan (null: the checker must read the file) and its fold's state. */
export interface Part {
  readonly scan: ScanResult | null;
  readonly state: FoldState | null;
}

/** Scans and folds one task into a part (see Part). */
export function scanPart(task: ScanTask, progress?: ProgressSink): Part {
  const { scan, fold } = runScanTask(task, progress);
  return { scan, state: scan === null ? null : fold.state() };
}

/** The typed arrays' buffers of parts: transferred to the other thread, not copied. */
export function partBuffers(parts: readonly Part[]): ArrayBuffer[] {
  return parts.flatMap((part) => {
    const state = part.state;
    if (state === null) return [];
    return [...state.cells.flatMap((c) => (c === null ? [] : [c.values, c.counts])), state.old, ...state.raw.flatMap((r) => [r.series, r.t, r.v])].map(
      (a) => a.buffer as ArrayBuffer,
    );
  });
}

/**
 * A worker thread's work (see parallel-scan.ts): its own task, then tasks it shares with the
 * thread that started it: each takes the next one left (`takeShared`) until none is.
 */
export interface SharedScanWork {
  readonly own: ScanTask;
  readonly shared: readonly ScanTask[];
  /** One Int32: the index of the next shared task (incremented atomically by both threads). */
  readonly next: SharedArrayBuffer;
}

/** What the worker thread sends back: its own task's part, and the shared tasks it took. */
export interface SharedScanResult {
  readonly own: Part;
  readonly shared: readonly { readonly index: number; readonly part: Part }[];
}

/** Takes the next shared task: its index, or -1 when none is left. */
export function takeShared(work: Pick<SharedScanWork, 'shared' | 'next'>): number {
  const index = Atomics.add(new Int32Array(work.next), 0, 1);
  return index < work.shared.length ? index : -1;
}
