/**
 * Wall time of whole `evac plan` commands on the shipped fixtures (the issue's target: under
 * 2 s), plus the phases inside one process. Run with `npm run bench` (or `tsx bench/plan.ts`).
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { timeCommand } from './time-command.ts';
import { loadConfig } from '../src/config/load-config.ts';
import { unwrap } from '../src/errors.ts';
import { planEvacuation } from '../src/services/plan.ts';
import { FilesSource, readDataDir } from '../src/sources/files-source.ts';

const ROOT = path.resolve(import.meta.dirname, '..');
const RUNS = Number(process.env.BENCH_RUNS ?? 7);
const AT = '2026-11-23T20:00:00Z';

async function phases(): Promise<Record<string, number>> {
  const t0 = performance.now();
  const config = unwrap(loadConfig(path.join(ROOT, 'metrics-config')));
  const t1 = performance.now();
  const data = readDataDir(path.join(ROOT, 'fixtures'), new Set(config.evacuation.regions));
  const t2 = performance.now();
  if (!data.ok) throw new Error('fixtures do not load');
  await planEvacuation({
    config,
    source: { load: async () => ({ data: data.data, unreachable: [], apiCalls: {}, description: 'memory' }) },
    failedRegion: 'us-west-2',
    at: Date.parse(AT) / 1000,
  });
  const t3 = performance.now();
  await planEvacuation({
    config,
    source: new FilesSource(path.join(ROOT, 'fixtures')),
    failedRegion: 'us-west-2',
    at: Date.parse(AT) / 1000,
    windowMinutes: 1440,
  });
  const t4 = performance.now();
  const rows = data.data.traffic.length + data.data.traces.length + data.data.demand.length + data.data.capacity.length;
  return {
    'load configs (ms)': t1 - t0,
    [`read ${rows} CSV rows (ms)`]: t2 - t1,
    'plan from memory (ms)': t3 - t2,
    'read + plan every bucket, --window 1440 (ms)': t4 - t3,
  };
}

export async function benchPlan(): Promise<void> {
  // Measure what a fresh clone runs: the bundle that `npm ci` builds.
  const build = spawnSync(process.execPath, [path.join(ROOT, 'scripts/build.mjs')], { cwd: ROOT, encoding: 'utf8' });
  if (build.status !== 0) throw new Error(`build failed: ${build.stderr}`);
  console.log(
    `# evac plan on the fixtures — ${os.cpus().length} x ${os.cpus()[0]?.model ?? 'cpu'}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}, ${new Date().toISOString().slice(0, 10)}`,
  );
  console.log(`bundle: ${existsSync(path.join(ROOT, 'dist/evac.cjs')) ? 'dist/evac.cjs' : 'none (tsx)'}; ${RUNS} runs each, median (min)`);
  const cases: [string, string[]][] = [
    ['evac help (startup)', ['help']],
    ['evac plan --failed us-west-2 (table)', ['plan', '--failed', 'us-west-2', '--at', AT]],
    ['evac plan --failed us-west-2 --format json', ['plan', '--failed', 'us-west-2', '--at', AT, '--format', 'json']],
    ['evac plan --failed us-west-2 --window 240', ['plan', '--failed', 'us-west-2', '--at', AT, '--window', '240']],
    ['evac validate', ['validate']],
  ];
  for (const [name, args] of cases) {
    const r = timeCommand(args, RUNS);
    console.log(
      `${name.padEnd(48)} ${r.medianMs.toFixed(0).padStart(6)} ms (${r.minMs.toFixed(0)})${r.maxRssMb === null ? '' : `  max RSS ${r.maxRssMb.toFixed(0)} MB`}`,
    );
  }
  for (const [name, ms] of Object.entries(await phases())) console.log(`  in-process: ${name.padEnd(46)} ${ms.toFixed(0).padStart(6)}`);
}

if (import.meta.url === `file://${process.argv[1]}`) await benchPlan();
