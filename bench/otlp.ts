/**
 * Throughput of reading OTLP/JSON spans (`--traces DIR`): generates realistic span files (see
 * otlp-spans.ts), then times readOtlpTraces over them in this process, best of BENCH_RUNS.
 * Run with `npx tsx bench/otlp.ts [SPANS]` (default 2,000,000 spans); OTLP_GZIP=1 for .gz files.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { TracesConfigSchema } from '../src/config/evacuation-config.ts';
import { unwrap } from '../src/errors.ts';
import { readOtlpTraces } from '../src/sources/otlp/read-otlp.ts';
import { writeOtlpBench } from './otlp-spans.ts';

const RUNS = Number(process.env.BENCH_RUNS ?? 3);

export async function benchOtlp(spans = 2_000_000): Promise<void> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'evac-otlp-bench-'));
  try {
    const gzip = process.env.OTLP_GZIP === '1';
    const written = await writeOtlpBench({ dir, spans, files: 4, from: Date.UTC(2026, 10, 1) / 1000, days: 14, gzip });
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
    const times: number[] = [];
    const cpu: number[] = [];
    let samples = 0;
    const rssBefore = process.resourceUsage().maxRSS / 1024;
    for (let i = 0; i < RUNS; i++) {
      const cpuStart = process.cpuUsage();
      const start = performance.now();
      const result = unwrap(await readOtlpTraces({ path: dir, traces, regions: new Set(['us-east-1', 'us-west-2', 'eu-west-1']), bucketMinutes: 15 }));
      times.push(performance.now() - start);
      const used = process.cpuUsage(cpuStart);
      cpu.push((used.user + used.system) / 1000);
      samples = result.samples.length;
    }
    const best = Math.min(...times);
    const rssMb = process.resourceUsage().maxRSS / 1024;
    console.log(`OTLP read (${os.cpus().length} cores, ${os.cpus()[0]?.model ?? '?'}, node ${process.version}, ${new Date().toISOString().slice(0, 10)})`);
    console.log(`  ${written.spans} spans in ${written.files.length} ${gzip ? 'gzipped ' : ''}files -> ${samples} samples`);
    const bestCpu = Math.min(...cpu);
    const perSecond = (ms: number) => Math.round(written.spans / (ms / 1000)).toLocaleString('en-US');
    console.log(
      `  wall, best of ${RUNS}: ${(best / 1000).toFixed(2)} s = ${perSecond(best)} spans/s (runs: ${times.map((t) => (t / 1000).toFixed(2)).join(', ')} s)`,
    );
    // On a shared machine the wall time includes waiting for a core; CPU time does not.
    console.log(`  CPU time (all threads), best of ${RUNS}: ${(bestCpu / 1000).toFixed(2)} s = ${perSecond(bestCpu)} spans per CPU-second`);
    console.log(
      `  peak RSS ${rssMb.toFixed(0)} MB (${rssBefore.toFixed(0)} MB before reading): about ${Math.round(((rssMb - rssBefore) * 2 ** 20) / written.spans)} bytes per span pending`,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.filename === process.argv[1]) await benchOtlp(process.argv[2] === undefined ? undefined : Number(process.argv[2]));
