/**
 * A worker thread reading span files (started by span-workers.ts): for each `{file, fileIndex}`
 * it is sent, it posts the file's batches, then `{done, issues}`. The batches are copied, not
 * transferred: transferring their buffers made the thread half as fast again (measured on Node
 * 20: 32k-span batches, 4 x 250k spans), copying them costs nothing visible.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { readSpanFile, type SpanFileSetup } from './span-file.ts';

const port = parentPort;
if (port === null) throw new Error('span-worker.ts runs as a worker thread');
const setup = workerData as SpanFileSetup;

port.on('message', async (job: { file: string; fileIndex: number }) => {
  const issues = await readSpanFile(job.file, job.fileIndex, setup, (batch) => port.postMessage({ batch }));
  port.postMessage({ done: job.fileIndex, issues });
});
