/**
 * Throughput of reading OTLP spans (`--traces DIR`): generates realistic span files (see
 * otlp-spans.ts), the same spans as OTLP/JSON and as OTLP protobuf, then times readOtlpTraces
 * over them, each run in a fresh process started by plain node (otlp-measure.mjs, so the
 * process's time is what `evac` pays, start-up included, and its peak RSS its own), contenders
 * interleaved: in one thread, and with the default threads (on 2 cores: 1 worker thread besides
 * the main thread, which reads too, and assembles). The reader is bundled with esbuild first, as
 * `npm run build` bundles evac.
 * Run with `npx tsx bench/otlp.ts [SPANS]` (default 2,000,000 spans); OTLP_FORMAT=json or proto
 * for one format only (default both); OTLP_GZIP=1 for .gz files; BENCH_RUNS runs per contender
 * (default 3); OTLP_BASELINE=DIR adds the reader of another checkout of evac (e.g. a `git
 * worktree` of an older commit) with the same two thread settings.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { build } from 'esbuild';
import { TracesConfigSchema } from '../src/config/evacuation-config.ts';
import { writeOtlpBench } from './otlp-spans.ts';

const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const ROOT = path.join(import.meta.dirname, '..');

interface Measure {
  /** The process's wall time (start to exit) and the read's within it. */
  readonly processMs: number;
  readonly readMs: number;
  /** The process's CPU time, all threads, start-up included. */
  readonly cpuMs: number;
  readonly rssBeforeMb: number;
  readonly rssPeakMb: number;
  readonly samples: number;
  readonly spans: number;
}

const traces = TracesConfigSchema.parse({
  deviceType: {
    userAgent: [
      { match: '(?i)android', device: 'android' },
      { match: '(?i)iphone|ipad|ios', device: 'ios' },
      { match: '(?i)smarttv|tizen|roku', device: 'tv' },
      { match: '(?i)mozilla', device: 'web' },
    ],
  },
});

/** Bundles the reader of checkout `root` (and its worker, if it has one) into `out`, as scripts/build.mjs does. */
async function bundle(root: string, out: string): Promise<string> {
  const worker = path.join(root, 'src/sources/otlp/span-worker.ts');
  const entryPoints: Record<string, string> = { 'read-otlp': path.join(root, 'src/sources/otlp/read-otlp.ts') };
  if (existsSync(worker)) entryPoints['otlp-worker'] = worker;
  await build({
    entryPoints,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    outdir: out,
    outExtension: { '.js': '.mjs' },
    logLevel: 'warning',
  });
  return path.join(out, 'read-otlp.mjs');
}

/** One run in a fresh process: reads `dir` with the bundled reader `reader`. */
function measure(dir: string, reader: string, threads: string): Measure {
  const start = performance.now();
  const run = spawnSync(process.execPath, [path.join(import.meta.dirname, 'otlp-measure.mjs'), reader, dir, threads, JSON.stringify(traces)], {
    encoding: 'utf8',
    cwd: ROOT,
  });
  const processMs = performance.now() - start;
  if (run.status !== 0) throw new Error(`measuring ${reader} on ${dir}: ${run.stderr}`);
  return { processMs, ...(JSON.parse(run.stdout) as Omit<Measure, 'processMs'>) };
}

const median = (xs: readonly number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor((s.length - 1) / 2)]!;
};

export async function benchOtlp(spans = 2_000_000): Promise<void> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'evac-otlp-bench-'));
  try {
    const gzip = process.env.OTLP_GZIP === '1';
    const formats = (process.env.OTLP_FORMAT === undefined ? ['json', 'proto'] : [process.env.OTLP_FORMAT]) as ('json' | 'proto')[];
    const written = new Map<string, { files: string[]; spans: number }>();
    for (const format of formats) {
      const into = path.join(dir, format);
      mkdirSync(into);
      written.set(format, await writeOtlpBench({ dir: into, spans, files: 4, from: Date.UTC(2026, 10, 1) / 1000, days: 14, gzip, format }));
    }
    const reader = await bundle(ROOT, path.join(dir, 'bundle'));
    const baseline = process.env.OTLP_BASELINE;
    const old = baseline === undefined ? undefined : await bundle(baseline, path.join(dir, 'baseline'));
    const contenders: { name: string; format: 'json' | 'proto'; reader: string; threads: string }[] = [];
    for (const format of formats)
      for (const [label, threads] of [
        ['one thread', '0'],
        ['default threads', '-'],
      ] as const) {
        if (old !== undefined) contenders.push({ name: `${format}, baseline (${baseline}), ${label}`, format, reader: old, threads });
        contenders.push({ name: `${format}, ${label}`, format, reader, threads });
      }
    const results = contenders.map(() => [] as Measure[]);
    for (let run = 0; run < RUNS; run++) for (const [i, c] of contenders.entries()) results[i]!.push(measure(path.join(dir, c.format), c.reader, c.threads));
    console.log(
      `OTLP read (${os.cpus().length} cores, ${os.cpus()[0]?.model ?? '?'}, node ${process.version}, ${new Date().toISOString().slice(0, 16)}Z, load average ${os
        .loadavg()
        .map((l) => l.toFixed(2))
        .join(' ')})`,
    );
    for (const [format, w] of written)
      console.log(`  ${format}: ${w.spans} spans in ${w.files.length} ${gzip ? 'gzipped ' : ''}files; median (min) of ${RUNS} interleaved runs each`);
    const perSecond = (n: number, ms: number) => Math.round(n / (ms / 1000)).toLocaleString('en-US');
    const first = new Map<string, number>();
    for (const [i, c] of contenders.entries()) {
      const rs = results[i]!;
      const n = written.get(c.format)!.spans;
      const samples = first.get(c.format) ?? rs[0]!.samples;
      first.set(c.format, samples);
      const same = rs.every((r) => r.samples === samples && r.spans === n);
      const processMs = rs.map((r) => r.processMs);
      const cpu = rs.map((r) => r.cpuMs);
      console.log(`  ${c.name}:${same ? '' : ' (DIFFERENT RESULT)'}`);
      console.log(
        `    whole process ${(median(processMs) / 1000).toFixed(2)} s = ${perSecond(n, median(processMs))} spans/s (min ${(Math.min(...processMs) / 1000).toFixed(2)} s = ${perSecond(n, Math.min(...processMs))}); reading alone ${(median(rs.map((r) => r.readMs)) / 1000).toFixed(2)} s`,
      );
      console.log(
        `    CPU (all threads, whole process) ${(median(cpu) / 1000).toFixed(2)} s = ${perSecond(n, median(cpu))} spans per CPU-second (min ${(Math.min(...cpu) / 1000).toFixed(2)} s)`,
      );
      const peak = Math.max(...rs.map((r) => r.rssPeakMb));
      const before = Math.min(...rs.map((r) => r.rssBeforeMb));
      console.log(
        `    peak RSS ${peak.toFixed(0)} MB (${before.toFixed(0)} MB before reading): about ${Math.round(((peak - before) * 2 ** 20) / n)} bytes per span`,
      );
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.filename === process.argv[1]) await benchOtlp(process.argv[2] === undefined ? undefined : Number(process.argv[2]));
