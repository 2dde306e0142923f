import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';

/**
 * Starts a worker thread on one of evac's worker scripts. Bundled (scripts/build.mjs), the
 * caller is dist/evac.mjs or a chunk in dist/chunks/, and the script is `bundled` (e.g.
 * `scan-worker.cjs`) in dist/. From the TypeScript sources (an edited checkout, the tests), the
 * script is `source`, relative to the caller, loaded through tsx: its hooks are registered inside
 * the thread (those of the starting thread do not reach it), from tsx's absolute path, so that
 * evac runs from any directory.
 *
 * @param caller the caller's `import.meta.url`
 */
export function startWorkerThread(caller: string, source: string, bundled: string, workerData: unknown): Worker {
  if (caller.endsWith('.ts')) {
    const tsx = pathToFileURL(
      createRequire(caller)
        .resolve('tsx/esm/api')
        .replace(/\.cjs$/, '.mjs'),
    ).href;
    const script = new URL(source, caller).href;
    const boot = `import(${JSON.stringify(tsx)}).then(({ tsImport }) => tsImport(${JSON.stringify(script)}, ${JSON.stringify(script)}));`;
    return new Worker(boot, { eval: true, workerData });
  }
  const candidates = [new URL(bundled, caller), new URL(`../${bundled}`, caller)];
  const script = candidates.find((u) => existsSync(fileURLToPath(u))) ?? candidates[0]!;
  return new Worker(script, { workerData });
}
