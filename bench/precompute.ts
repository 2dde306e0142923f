/**
 * The issue's targets for the scheduled job and the incident path at scale: `evac precompute` of
 * ~30M raw rows under 1 GiB of peak RSS, and `evac plan` from its output for 2,000 services x 3
 * healthy regions under 500 ms (whole process; goal 150 ms).
 *
 * Usage: `npx tsx bench/precompute.ts [OUT] [--services 2000] [--days 14] [--step 900] [--runs 5]
 * [--reuse] [--baseline DIR]` generates OUT/set (bench/generate.ts: 2,000 services x 14 days every
 * 15 minutes, traces every 45 = 30.4M rows, 1.2 GB of CSV; kept and reused when its parameters
 * match), runs `evac precompute` once under /usr/bin/time (with `--reuse`, not when
 * OUT/precomputed holds a manifest already), then the plans from its output, interleaved, each
 * `--runs` times. `--baseline DIR`: another checkout with its bundle built (e.g. a `git worktree`
 * of main), whose `bin/evac.js` runs each command too, interleaved, as "before". Not part of
 * `npm run bench` (minutes of work and about 1.9 GB of disk: the data set, the precomputed CSV and
 * its column copy).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { median } from 'simple-statistics';
import { generate } from './generate.ts';

const ROOT = path.resolve(import.meta.dirname, '..');
const AT = '2026-11-24T20:00:00Z';

function arg(args: readonly string[], name: string, fallback: number): number {
  const i = args.indexOf(`--${name}`);
  if (i === -1) return fallback;
  const v = Number(args[i + 1]);
  if (!Number.isInteger(v) || v <= 0) throw new Error(`--${name}: expected a positive integer`);
  return v;
}

interface Timed {
  readonly ms: number;
  readonly rssMb: number;
  readonly stdout: string;
}

/** One whole `evac` process (of the checkout `root`) under /usr/bin/time: wall time and peak RSS. */
function evac(args: readonly string[], root = ROOT): Timed {
  const start = performance.now();
  const r = spawnSync('/usr/bin/time', ['-f', '%M', process.execPath, path.join(root, 'bin/evac.js'), ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    maxBuffer: 2 ** 30,
  });
  const ms = performance.now() - start;
  if (r.status !== 0) throw new Error(`evac ${args.join(' ')} failed (${r.status}): ${r.stderr.slice(-2000)}`);
  const kb = Number(r.stderr.trim().split('\n').at(-1));
  return { ms, rssMb: kb / 1024, stdout: r.stdout };
}

export async function benchPrecompute(argv: readonly string[]): Promise<void> {
  const out = argv[0] && !argv[0].startsWith('--') ? argv[0] : path.join(os.tmpdir(), 'evac-bench-precompute');
  const options = { services: arg(argv, 'services', 2000), days: arg(argv, 'days', 14), step: arg(argv, 'step', 900), traceEvery: 3 };
  const runs = arg(argv, 'runs', 5);
  if (!existsSync('/usr/bin/time')) throw new Error('needs /usr/bin/time (GNU time) for peak RSS');
  const build = spawnSync(process.execPath, [path.join(ROOT, 'scripts/build.mjs')], { cwd: ROOT, encoding: 'utf8' });
  if (build.status !== 0) throw new Error(`build failed: ${build.stderr}`);

  const set = path.join(out, 'set');
  const stamp = path.join(set, 'generated.json');
  const params = JSON.stringify(options);
  let generated = existsSync(stamp) ? (JSON.parse(readFileSync(stamp, 'utf8')) as { params: string; rows: Record<string, number> }) : undefined;
  if (generated?.params !== params) {
    rmSync(set, { recursive: true, force: true });
    generated = { params, rows: generate(set, options) };
    writeFileSync(stamp, JSON.stringify(generated));
  }
  const rows = Object.values(generated.rows).reduce((a, b) => a + b, 0);

  console.log(
    `# evac precompute and plan at scale — ${os.cpus().length} x ${os.cpus()[0]?.model ?? 'cpu'}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}, ${new Date().toISOString().slice(0, 16)}Z, load average ${os
      .loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`,
  );
  console.log(
    `data: ${options.services} services x ${options.days} days every ${options.step} s (traces every ${options.step * 3} s): ${rows.toLocaleString('en')} rows`,
  );

  const pre = path.join(out, 'precomputed');
  const config = path.join(set, 'config');
  if (argv.includes('--reuse') && existsSync(path.join(pre, 'precompute.json'))) console.log(`evac precompute: not run (--reuse: ${pre} is there)`);
  else {
    rmSync(pre, { recursive: true, force: true });
    const p = evac(['precompute', '--data', path.join(set, 'data'), '--config', config, '--out', pre, '--at', '2026-11-24T00:00:00Z', '--format', 'json']);
    const manifest = JSON.parse(p.stdout).manifest as { rows: Record<string, number> };
    console.log(
      `evac precompute: ${(p.ms / 1000).toFixed(1)} s, peak RSS ${p.rssMb.toFixed(0)} MiB (target: under 1,024 MiB) -> ${Object.entries(manifest.rows)
        .map(([k, n]) => `${n.toLocaleString('en')} ${k}`)
        .join(', ')}`,
    );
  }

  const plan = ['plan', '--data', pre, '--config', config, '--failed', 'us-west-2', '--at', AT];
  const cases: [string, string[]][] = [
    ['evac --version (start-up)', ['--version']],
    ['evac plan (table)', plan],
    ['evac plan --format json', [...plan, '--format', 'json']],
    ['evac plan --window 240 --format json', [...plan, '--window', '240', '--format', 'json']],
  ];
  const baselineAt = argv.indexOf('--baseline');
  const baseline = baselineAt === -1 ? undefined : path.resolve(argv[baselineAt + 1] ?? '');
  const roots: [string, string][] = [...(baseline ? [['before', baseline] as [string, string]] : []), [baseline ? 'now' : '', ROOT]];
  const results = roots.map(() => cases.map(() => [] as Timed[]));
  // Interleaved: round k runs every case once (of each checkout), so a busy machine slows them all alike.
  for (let k = 0; k < runs; k++)
    for (const [c, [, root]] of roots.entries()) for (const [i, [, args]] of cases.entries()) results[c]?.[i]?.push(evac(args, root));
  const now = results.at(-1) ?? [];
  const entries = (JSON.parse(now[2]?.[0]?.stdout ?? '{}') as { services?: unknown[] }).services?.length ?? 0;
  if (baseline) {
    const same = (results[0]?.[2]?.[0]?.stdout ?? '') === (now[2]?.[0]?.stdout ?? '');
    console.log(`before: ${baseline}; its JSON plan is ${same ? 'identical' : 'NOT identical'} to this checkout's`);
  }
  console.log(`plans of ${entries} entries; ${runs} runs each, median (min), whole process (target: under 500 ms, goal 150 ms)`);
  for (const [c, [label]] of roots.entries()) {
    for (const [i, [name]] of cases.entries()) {
      const r = results[c]?.[i] ?? [];
      const ms = r.map((x) => x.ms);
      console.log(
        `${`${label ? `${label}: ` : ''}${name}`.padEnd(48)} ${median(ms).toFixed(0).padStart(6)} ms (${Math.min(...ms).toFixed(0)})  max RSS ${Math.max(...r.map((x) => x.rssMb)).toFixed(0)} MiB`,
      );
    }
  }
  console.log(
    `load average after: ${os
      .loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`,
  );
}

if (import.meta.url === `file://${process.argv[1]}`) await benchPrecompute(process.argv.slice(2));
