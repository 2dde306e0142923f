/**
 * Throughput of reading OTLP/JSON spans (`--traces DIR`): generates realistic span files (see
 * otlp-spans.ts), then times readOtlpTraces over them, each run in a fresh process (so its peak
 * RSS is its own), contenders interleaved: in one thread, and with 1 and 2 worker threads besides
 * the main thread (which reads too, and assembles; 1 is the default on 2 cores). The
 * reader is bundled with esbuild first, as `npm run build` bundles evac (through tsx, every
 * thread would compile the TypeScript again, and tsx's helpers slow the scanner down).
 * Run with `npx tsx bench/otlp.ts [SPANS]` (default 2,000,000 spans); OTLP_GZIP=1 for .gz files;
 * BENCH_RUNS runs per contender (default 3); OTLP_BASELINE=DIR adds the reader of another
 * checkout of evac (e.g. a `git worktree` of an older commit) as two contenders: in one thread,
 * and with its default threads.
 */
import { execFileSync } from 'node:child_process';
import { build } from 'esbuild';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { TracesConfigSchema } from '../src/config/evacuation-config.ts';
import { unwrap } from '../src/errors.ts';
import type { readOtlpTraces as ReadOtlpTraces } from '../src/sources/otlp/read-otlp.ts';
import { writeOtlpBench } from './otlp-spans.ts';

const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const ROOT = path.join(import.meta.dirname, '..');

interface Measure {
  readonly wallMs: number;
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

/** One run, in this process: reads `dir` with the bundled reader `reader`. */
async function measure(dir: string, reader: string, threads: number | undefined): Promise<Measure> {
  const { readOtlpTraces } = (await import(pathToFileURL(reader).href)) as { readOtlpTraces: typeof ReadOtlpTraces };
  const rssBeforeMb = process.resourceUsage().maxRSS / 1024;
  const cpuStart = process.cpuUsage();
  const start = performance.now();
  const result = unwrap(
    await readOtlpTraces({
      path: dir,
      traces,
      regions: new Set(['us-east-1', 'us-west-2', 'eu-west-1']),
      bucketMinutes: 15,
      ...(threads === undefined ? {} : { threads }),
    }),
  );
  const wallMs = performance.now() - start;
  const used = process.cpuUsage(cpuStart);
  return {
    wallMs,
    cpuMs: (used.user + used.system) / 1000,
    rssBeforeMb,
    rssPeakMb: process.resourceUsage().maxRSS / 1024,
    samples: result.samples.length,
    spans: result.report.spans,
  };
}

export async function benchOtlp(spans = 2_000_000): Promise<void> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'evac-otlp-bench-'));
  try {
    const gzip = process.env.OTLP_GZIP === '1';
    const written = await writeOtlpBench({ dir, spans, files: 4, from: Date.UTC(2026, 10, 1) / 1000, days: 14, gzip });
    const reader = await bundle(ROOT, path.join(dir, 'bundle'));
    const contenders: { name: string; reader: string; threads: string }[] = [
      { name: 'one thread', reader, threads: '0' },
      { name: '1 worker thread + this thread (reads and assembles)', reader, threads: '1' },
      { name: '2 worker threads + this thread', reader, threads: '2' },
    ];
    const baseline = process.env.OTLP_BASELINE;
    if (baseline !== undefined) {
      const old = await bundle(baseline, path.join(dir, 'baseline'));
      contenders.unshift(
        { name: `baseline (${baseline}), one thread`, reader: old, threads: '0' },
        { name: `baseline (${baseline}), its default threads`, reader: old, threads: '-' },
      );
    }
    const results = contenders.map(() => [] as Measure[]);
    for (let run = 0; run < RUNS; run++) {
      for (const [i, c] of contenders.entries()) {
        const out = execFileSync(process.execPath, ['--import', 'tsx', import.meta.filename, '--measure', dir, c.reader, c.threads], {
          encoding: 'utf8',
          cwd: ROOT,
        });
        results[i]!.push(JSON.parse(out) as Measure);
      }
    }
    console.log(
      `OTLP read (${os.cpus().length} cores, ${os.cpus()[0]?.model ?? '?'}, node ${process.version}, ${new Date().toISOString().slice(0, 16)}Z, load average ${os
        .loadavg()
        .map((l) => l.toFixed(2))
        .join(' ')})`,
    );
    console.log(
      `  ${written.spans} spans in ${written.files.length} ${gzip ? 'gzipped ' : ''}files -> ${results[0]![0]!.samples} samples; best of ${RUNS} runs each`,
    );
    const perSecond = (ms: number) => Math.round(written.spans / (ms / 1000)).toLocaleString('en-US');
    for (const [i, c] of contenders.entries()) {
      const rs = results[i]!;
      const wall = Math.min(...rs.map((r) => r.wallMs));
      // On a shared machine the wall time includes waiting for a core; CPU time does not.
      const cpu = Math.min(...rs.map((r) => r.cpuMs));
      const peak = Math.max(...rs.map((r) => r.rssPeakMb));
      const before = Math.min(...rs.map((r) => r.rssBeforeMb));
      const same = rs.every((r) => r.samples === results[0]![0]!.samples && r.spans === written.spans);
      console.log(`  ${c.name}:${same ? '' : ' (DIFFERENT RESULT)'}`);
      console.log(`    wall ${(wall / 1000).toFixed(2)} s = ${perSecond(wall)} spans/s (runs: ${rs.map((r) => (r.wallMs / 1000).toFixed(2)).join(', ')} s)`);
      console.log(`    CPU (all threads) ${(cpu / 1000).toFixed(2)} s = ${perSecond(cpu)} spans per CPU-second`);
      console.log(
        `    peak RSS ${peak.toFixed(0)} MB (${before.toFixed(0)} MB before reading): about ${Math.round(((peak - before) * 2 ** 20) / written.spans)} bytes per span`,
      );
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.filename === process.argv[1]) {
  const [flag, dir, reader, threads] = process.argv.slice(2);
  if (flag === '--measure') console.log(JSON.stringify(await measure(dir!, reader!, threads === '-' ? undefined : Number(threads))));
  else await benchOtlp(flag === undefined ? undefined : Number(flag));
}
