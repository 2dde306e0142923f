/**
 * Whole-process wall time and peak RSS of `evac plan` against its peers (the naive reference,
 * the DuckDB SQL peer) on a generated data set, interleaved: round k runs every command once,
 * so that a busy shared machine slows them all alike; ratios are what to read.
 *
 * Usage: tsx bench/scale.ts DIR [--runs 3] [--evac path/to/bin/evac.js]... [--workers never,auto]
 * (EVAC_WORKERS values to compare) where DIR was made by
 * bench/generate.ts. Several --evac give several evac builds (e.g. before and after a change).
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { median } from 'simple-statistics';

const ROOT = path.resolve(import.meta.dirname, '..');
const AT = '2026-11-23T20:00:00Z';

interface Run {
  readonly ms: number;
  readonly rssMb: number;
  readonly ok: boolean;
  readonly note: string;
}

function run(argv: readonly string[], env: Record<string, string> = {}): Run {
  const start = performance.now();
  const r = spawnSync('/usr/bin/time', ['-f', 'RSS %M', ...argv], { cwd: ROOT, encoding: 'utf8', maxBuffer: 1 << 28, env: { ...process.env, ...env } });
  const ms = performance.now() - start;
  const rss = Number(/RSS (\d+)\s*$/.exec(r.stderr)?.[1] ?? Number.NaN) / 1024;
  const note = r.status === 0 ? '' : `exit ${r.status}: ${r.stderr.split('\n').find((l) => /error|Error/.test(l)) ?? r.stderr.slice(0, 200)}`;
  return { ms, rssMb: rss, ok: r.status === 0, note };
}

export function benchScale(dir: string, runs: number, evacs: readonly string[], workers: readonly string[] = ['auto']): void {
  const data = path.join(dir, 'data');
  const config = path.join(dir, 'config');
  const commands: [string, string[], Record<string, string>?][] = [
    ...evacs.flatMap((bin) =>
      workers.map((w): [string, string[], Record<string, string>] => [
        `evac plan (${bin}${workers.length > 1 ? `, EVAC_WORKERS=${w}` : ''})`,
        [process.execPath, bin, 'plan', '--data', data, '--config', config, '--failed', 'us-west-2', '--at', AT, '--format', 'json'],
        { EVAC_WORKERS: w },
      ]),
    ),
    ['naive reference (bench/naive-plan.mjs)', [process.execPath, 'bench/naive-plan.mjs', data, config, 'us-west-2', AT]],
    ['DuckDB SQL peer (bench/duckdb-plan.mjs)', [process.execPath, 'bench/duckdb-plan.mjs', data, config, 'us-west-2', AT]],
  ];
  const results = commands.map((): Run[] => []);
  for (let k = 0; k < runs; k++) {
    commands.forEach(([, argv, env], i) => {
      results[i]?.push(run(argv, env));
    });
  }
  console.log(
    `# ${dir} — ${os.cpus().length} x ${os.cpus()[0]?.model ?? 'cpu'}, Node ${process.version}, ${new Date().toISOString()}; ${runs} interleaved rounds`,
  );
  const medianOf = (i: number) => {
    const ok = (results[i] ?? []).filter((r) => r.ok);
    return ok.length === 0 ? Number.NaN : median(ok.map((r) => r.ms));
  };
  // Rows per second of the whole process, when bench/generate.ts left its row counts.
  let totalRows: number | undefined;
  try {
    totalRows = (JSON.parse(readFileSync(path.join(dir, 'rows.json'), 'utf8')) as { total: number }).total;
  } catch {
    totalRows = undefined;
  }
  const naive = medianOf(commands.length - 2);
  const duck = medianOf(commands.length - 1);
  commands.forEach(([name], i) => {
    const rs = results[i] ?? [];
    const ok = rs.filter((r) => r.ok);
    if (ok.length === 0) {
      console.log(`${name.padEnd(50)} FAILED ${rs[0]?.note ?? ''} (peak RSS ${Math.max(...rs.map((r) => r.rssMb)).toFixed(0)} MiB)`);
      return;
    }
    const ms = median(ok.map((r) => r.ms));
    console.log(
      `${name.padEnd(50)} ${ms.toFixed(0).padStart(7)} ms (min ${Math.min(...ok.map((r) => r.ms)).toFixed(0)})  peak RSS ${Math.max(...ok.map((r) => r.rssMb)).toFixed(0)} MiB  ${(ms / naive).toFixed(2)}x naive  ${(ms / duck).toFixed(2)}x DuckDB peer${totalRows === undefined ? '' : `  ${(totalRows / ms / 1000).toFixed(2)}M rows/s`}`,
    );
  });
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const args = process.argv.slice(2);
  const dir = args[0];
  if (!dir) throw new Error('usage: tsx bench/scale.ts DIR [--runs N] [--evac bin/evac.js]...');
  const runsAt = args.indexOf('--runs');
  const evacs = args.flatMap((a, i) => (args[i - 1] === '--evac' ? [a] : []));
  const workersAt = args.indexOf('--workers');
  const workers = workersAt === -1 ? ['auto'] : (args[workersAt + 1] ?? 'auto').split(',');
  benchScale(dir, runsAt === -1 ? 3 : Number(args[runsAt + 1]), evacs.length > 0 ? evacs : ['bin/evac.js'], workers);
}
