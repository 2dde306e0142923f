import type { Worker } from 'node:worker_threads';
import type { InputIssue } from '../../errors.ts';
import { startWorkerThread } from '../worker-thread.ts';
import type { SpanBatch } from './span-batch.ts';
import { readSpanFile, type SpanFileSetup, type SpanFileTask } from './span-file.ts';

/** What reading a task found: its problems and how many lines it read. */
export interface TaskResult {
  readonly issues: InputIssue[];
  readonly lines: number;
}

type WorkerMessage = { batch: SpanBatch } | { done: number; result: TaskResult };

/**
 * Reads span files (or ranges of them) in `threads` worker threads (span-worker.ts) and in this
 * thread, a task at a time each, the next task to whichever is free, handing every batch to
 * `onBatch` on this thread as it arrives (in no particular order). This thread reads too, so that
 * with one worker per other core every core reads: it takes the workers' batches while it waits
 * for its own file reads. Resolves to each task's result, in task order.
 */
export async function readTasksInWorkers(
  tasks: readonly SpanFileTask[],
  setup: SpanFileSetup,
  threads: number,
  onBatch: (batch: SpanBatch) => void,
): Promise<TaskResult[]> {
  const results: TaskResult[] = tasks.map(() => ({ issues: [], lines: 0 }));
  let next = 0;
  const workers: Worker[] = [];
  let failed = false;
  const readHere = async () => {
    while (next < tasks.length && !failed) {
      const task = next++;
      results[task] = await readSpanFile(tasks[task]!, setup, onBatch, { lend: true });
    }
  };
  try {
    await Promise.all([
      // The workers take their first tasks before this thread: with no more tasks than workers (one big gzipped file), this thread only assembles.
      ...Array.from({ length: Math.min(threads, tasks.length) }, () => {
        const worker = startWorker(setup);
        workers.push(worker);
        return new Promise<void>((resolve, reject) => {
          /**
           * Tasks the thread has and has not finished: up to two, so that the next one waits in the
           * thread (this thread answers a finished task only between its own reads); the second only
           * while two or more are left, one for this thread. Resolves when it has none and none are left.
           */
          let given = 0;
          const give = () => {
            while (given < 2 && next < tasks.length && (given === 0 || tasks.length - next >= 2)) {
              const task = next++;
              given += 1;
              worker.postMessage({ task: tasks[task], index: task });
            }
            if (given === 0) resolve();
          };
          worker.on('message', (m: WorkerMessage) => {
            if ('batch' in m) onBatch(m.batch);
            else {
              results[m.done] = m.result;
              given -= 1;
              give();
            }
          });
          worker.on('error', reject);
          worker.on('exit', (code) => reject(new Error(`span reader thread exited (code ${code})`)));
          give();
        });
      }),
      readHere(),
    ]);
  } catch (error) {
    failed = true;
    throw error;
  } finally {
    for (const w of workers) {
      w.removeAllListeners('exit');
      void w.terminate();
    }
  }
  return results;
}

/** A span-worker thread (span-worker.ts). */
function startWorker(setup: SpanFileSetup): Worker {
  return startWorkerThread(import.meta.url, './span-worker.ts', 'otlp-worker.mjs', setup);
}
