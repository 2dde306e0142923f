/**
 * Wall time and peak memory of whole `evac backtest` commands on the shipped fixtures (3 past
 * evacuations, 24 slices, a plan per slice, danfo for the per-service pivot). Run with
 * `npm run bench` or `npx tsx bench/backtest.ts`; BENCH_RUNS sets the runs (default 5).
 */
import { spawnSync } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { timeCommand } from './time-command.ts';

const ROOT = path.resolve(import.meta.dirname, '..');
const RUNS = Number(process.env.BENCH_RUNS ?? 5);

export async function benchBacktest(): Promise<void> {
  const build = spawnSync(process.execPath, [path.join(ROOT, 'scripts/build.mjs')], { cwd: ROOT, encoding: 'utf8' });
  if (build.status !== 0) throw new Error(`build failed: ${build.stderr}`);
  console.log(
    `# evac backtest on the fixtures — ${os.cpus().length} x ${os.cpus()[0]?.model ?? 'cpu'}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}, ${new Date().toISOString().slice(0, 10)}`,
  );
  console.log(`${RUNS} runs each, median (min)`);
  const cases: [string, string[]][] = [
    ['evac backtest (table, 3 evacuations)', ['backtest']],
    ['evac backtest --format json', ['backtest', '--format', 'json']],
    ['evac backtest --evacuation 2026-11-22T14:00:00Z', ['backtest', '--evacuation', '2026-11-22T14:00:00Z']],
  ];
  for (const [name, args] of cases) {
    const r = timeCommand(args, RUNS);
    console.log(
      `${name.padEnd(48)} ${r.medianMs.toFixed(0).padStart(6)} ms (${r.minMs.toFixed(0)})${r.maxRssMb === null ? '' : `  max RSS ${r.maxRssMb.toFixed(0)} MB`}`,
    );
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await benchBacktest();
