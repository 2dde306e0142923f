import type { Worker } from 'node:worker_threads';
import type { InputIssue } from '../../errors.ts';
import { startWorkerThread } from '../worker-thread.ts';
import type { SpanBatch } from './span-batch.ts';
import type { SpanFileSetup } from './span-file.ts';

type WorkerMessage = { batch: SpanBatch } | { done: number; issues: InputIssue[] };

/**
 * Reads span files in `threads` worker threads (span-worker.ts), a file at a time each, handing
 * every batch to `onBatch` on this thread as it arrives (in no particular order). Resolves to
 * each file's problems, by file index.
 */
export async function readFilesInWorkers(
  files: readonly string[],
  setup: SpanFileSetup,
  threads: number,
  onBatch: (batch: SpanBatch) => void,
): Promise<InputIssue[][]> {
  const issues: InputIssue[][] = files.map(() => []);
  let nextFile = 0;
  const workers: Worker[] = [];
  try {
    await Promise.all(
      Array.from({ length: Math.min(threads, files.length) }, () => {
        const worker = startWorker(setup);
        workers.push(worker);
        return new Promise<void>((resolve, reject) => {
          const give = () => {
            if (nextFile === files.length) return resolve();
            const fileIndex = nextFile++;
            worker.postMessage({ file: files[fileIndex], fileIndex });
          };
          worker.on('message', (m: WorkerMessage) => {
            if ('batch' in m) onBatch(m.batch);
            else {
              issues[m.done] = m.issues;
              give();
            }
          });
          worker.on('error', reject);
          worker.on('exit', (code) => reject(new Error(`span reader thread exited (code ${code})`)));
          give();
        });
      }),
    );
  } finally {
    for (const w of workers) {
      w.removeAllListeners('exit');
      void w.terminate();
    }
  }
  return issues;
}

/** A span-worker thread (span-worker.ts). */
function startWorker(setup: SpanFileSetup): Worker {
  return startWorkerThread(import.meta.url, './span-worker.ts', 'otlp-worker.mjs', setup);
}
