import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { median } from 'simple-statistics';

const ROOT = path.resolve(import.meta.dirname, '..');

/**
 * Runs `evac ARGS` (bin/evac.js, as a user would) `runs` times as whole processes, under
 * /usr/bin/time when there is one: median and min wall time, and the largest peak RSS.
 */
export function timeCommand(args: readonly string[], runs: number): { medianMs: number; minMs: number; maxRssMb: number | null } {
  const times: number[] = [];
  let maxRss: number | null = null;
  const timeBin = existsSync('/usr/bin/time');
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    const r = timeBin
      ? spawnSync('/usr/bin/time', ['-f', '%M', process.execPath, path.join(ROOT, 'bin/evac.js'), ...args], { cwd: ROOT, encoding: 'utf8', maxBuffer: 1 << 28 })
      : spawnSync(process.execPath, [path.join(ROOT, 'bin/evac.js'), ...args], { cwd: ROOT, encoding: 'utf8', maxBuffer: 1 << 28 });
    times.push(performance.now() - start);
    if (r.status !== 0) throw new Error(`evac ${args.join(' ')} failed: ${r.stderr}`);
    if (timeBin) {
      const kb = Number(r.stderr.trim().split('\n').at(-1));
      if (Number.isFinite(kb)) maxRss = Math.max(maxRss ?? 0, kb / 1024);
    }
  }
  return { medianMs: median(times), minMs: Math.min(...times), maxRssMb: maxRss };
}
