/**
 * A worker thread's entry (see parallel-scan.ts): scans and folds one task, and posts back the
 * scan's result and the fold's typed arrays (transferred, not copied).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { runScanTask, type ScanTask } from './scan-task.ts';

const { scan, fold } = runScanTask(workerData as ScanTask);
const state = fold.state();
const transfer = [...state.cells.filter((c): c is Float64Array => c !== null), state.old, state.raw.series, state.raw.t, state.raw.v].map(
  (a) => a.buffer as ArrayBuffer,
);
parentPort?.postMessage({ scan, state }, transfer);
