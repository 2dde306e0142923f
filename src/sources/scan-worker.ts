/**
 * A worker thread's entry (see parallel-scan.ts): waits for one task, scans and folds it, posts
 * back the scan's result and the fold's typed arrays (transferred, not copied), and ends.
 */
import { parentPort } from 'node:worker_threads';
import { runScanTask, type ScanTask } from './scan-task.ts';

parentPort?.once('message', (task: ScanTask) => {
  const { scan, fold } = runScanTask(task);
  const state = fold.state();
  const transfer = [...state.cells.flatMap((c) => (c === null ? [] : [c.values, c.counts])), state.old, ...state.raw.flatMap((r) => [r.series, r.t, r.v])].map(
    (a) => a.buffer as ArrayBuffer,
  );
  parentPort?.postMessage({ scan, state }, transfer);
  parentPort?.close();
});
