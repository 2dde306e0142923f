/** Receives progress lines ("reading trace-samples.csv: 45%, 2.1M rows/s"); sources never print. */
export type ProgressSink = (line: string) => void;

/** How long a read runs silently before progress is shown: short reads stay quiet. */
export const PROGRESS_AFTER_MS = 2000;
const EVERY_MS = 1000;

/**
 * Polls `percent()` while `work` runs and, once it has run for PROGRESS_AFTER_MS, reports
 * "reading FILE: P%, R rows/s" about once a second (R estimated from the file's size and the
 * bytes per row of its first lines), then a last line with the total time.
 */
export async function withProgress<T>(
  sink: ProgressSink | undefined,
  label: string,
  estimatedRows: number,
  percent: () => number,
  work: () => Promise<T>,
): Promise<T> {
  if (!sink) return work();
  const start = performance.now();
  let shown = false;
  const timer = setInterval(() => {
    const elapsed = performance.now() - start;
    if (elapsed < PROGRESS_AFTER_MS) return;
    const p = Math.max(0, Math.min(100, percent()));
    shown = true;
    sink(`reading ${label}: ${p.toFixed(0)}%, ${formatRate((estimatedRows * p) / 100 / (elapsed / 1000))} rows/s`);
  }, EVERY_MS);
  try {
    const result = await work();
    if (shown) sink(`read ${label}: about ${formatRate(estimatedRows)} rows in ${((performance.now() - start) / 1000).toFixed(1)} s`);
    return result;
  } finally {
    clearInterval(timer);
  }
}

function formatRate(n: number): string {
  if (n >= 1e6) return `${(n / 1e6).toFixed(1)}M`;
  if (n >= 1e3) return `${(n / 1e3).toFixed(0)}k`;
  return n.toFixed(0);
}

/**
 * Progress of a synchronous read (which a timer cannot interrupt): call the result as bytes
 * are read; once PROGRESS_AFTER_MS have passed it reports "reading FILE: P%, R rows/s" about
 * once a second. `done` reports the total time when a line was shown.
 */
export function readProgress(
  sink: ProgressSink | undefined,
  label: string,
  totalBytes: number,
  clock: () => number = () => performance.now(),
): { readonly step: (bytes: number, rows: number) => void; readonly done: (rows: number) => void } {
  const start = clock();
  let last = start;
  let shown = false;
  return {
    step: (bytes, rows) => {
      if (!sink) return;
      const now = clock();
      if (now - start < PROGRESS_AFTER_MS || now - last < EVERY_MS) return;
      last = now;
      shown = true;
      const p = totalBytes > 0 ? Math.min(100, (bytes / totalBytes) * 100) : 100;
      sink(`reading ${label}: ${p.toFixed(0)}%, ${formatRate(rows / ((now - start) / 1000))} rows/s`);
    },
    done: (rows) => {
      if (sink && shown) sink(`read ${label}: ${formatRate(rows)} rows in ${((clock() - start) / 1000).toFixed(1)} s`);
    },
  };
}
