import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { InputIssue } from '../../errors.ts';
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

/**
 * A span-worker thread: the bundled `otlp-worker.mjs` beside the bundle (scripts/build.mjs), or
 * when running from the TypeScript sources, span-worker.ts loaded through tsx.
 */
function startWorker(setup: SpanFileSetup): Worker {
  const here = import.meta.url;
  if (here.endsWith('.ts')) {
    // tsx's ESM hooks, registered inside the thread (hooks of this thread do not reach it).
    const tsx = pathToFileURL(
      createRequire(here)
        .resolve('tsx/esm/api')
        .replace(/\.cjs$/, '.mjs'),
    ).href;
    const script = new URL('./span-worker.ts', here).href;
    const boot = `import(${JSON.stringify(tsx)}).then(({ register }) => { register(); return import(${JSON.stringify(script)}); });`;
    return new Worker(boot, { eval: true, workerData: setup });
  }
  const beside = new URL('./otlp-worker.mjs', here);
  const url = existsSync(fileURLToPath(beside)) ? beside : new URL('../otlp-worker.mjs', here);
  return new Worker(url, { workerData: setup });
}
