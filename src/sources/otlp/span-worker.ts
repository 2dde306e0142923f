/**
 * A worker thread reading span files (started by span-workers.ts): for each `{task, index}` it
 * is sent (a file or a range of one), in the order sent, it posts the task's batches, then
 * `{done: index, result}`. The batches are copied, not
 * transferred: transferring their buffers made the thread half as fast again (measured on Node
 * 20: 32k-span batches, 4 x 250k spans), copying them costs nothing visible.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { readSpanFile, type SpanFileSetup, type SpanFileTask } from './span-file.ts';

const port = parentPort;
if (port === null) throw new Error('span-worker.ts runs as a worker thread');
const setup = workerData as SpanFileSetup;

/** Tasks given and not yet read: the next is given before this one is done, so the thread does not wait for it. */
const queue: { task: SpanFileTask; index: number }[] = [];
let reading = false;

port.on('message', async (job: { task: SpanFileTask; index: number }) => {
  queue.push(job);
  if (reading) return;
  reading = true;
  for (let next = queue.shift(); next !== undefined; next = queue.shift()) {
    const result = await readSpanFile(next.task, setup, (batch) => port.postMessage({ batch }));
    port.postMessage({ done: next.index, result });
  }
  reading = false;
});
