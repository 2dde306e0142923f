/**
 * A worker thread's entry (see parallel-scan.ts): scans and folds one task, and posts back the
 * scan's result and the fold's typed arrays (transferred, not copied).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { runScanTask, type ScanTask } from './scan-task.ts';

const { scan, fold } = runScanTask(workerData as ScanTask);
const state = fold.state();
const transfer = [...state.cells.flatMap((c) => (c === null ? [] : [c.values, c.counts])), state.old, ...state.raw.flatMap((r) => [r.series, r.t, r.v])].map(
  (a) => a.buffer as ArrayBuffer,
);
parentPort?.postMessage({ scan, state }, transfer);
