/**
 * Generates a benchmark data set of any size: the fixtures' world (4 regions, 6 device types,
 * the same steering) with N services, D days, samples every STEP seconds (traces every 3 x STEP),
 * seeded and deterministic, streamed to disk so that tens of millions of rows need no memory.
 *
 * Usage: `tsx bench/generate.ts OUT --services 11 --days 14 --step 300 [--trace-every 3]`
 * writes OUT/data/*.csv (and OUT/config/evacuation.yaml), and prints the row counts.
 * Sizes used in the README: 11 x 14 x 300 = 0.6M rows, 55 x 14 x 300 = 3M, and 300 x 14 x 300 with
 * `--trace-every 2` = 18M rows (its traces file is over 512 MiB).
 */
import { closeSync, copyFileSync, mkdirSync, openSync, writeFileSync, writeSync } from 'node:fs';
import path from 'node:path';
import { mulberry32 } from '../src/model/mulberry32.ts';

const REGIONS = ['us-east-1', 'us-west-2', 'eu-west-1', 'sa-east-1'] as const;
const DEVICES = ['tv', 'settop', 'console', 'android', 'ios', 'web'] as const;
const OFFSETS = [-5, -8, 0, -3];
const PEAKS = [6000, 5200, 5000, 3000];
/** Per region, share of each device type (sums to 1), as in fixtures/generate.ts. */
const MIX = [
  [0.38, 0.12, 0.12, 0.12, 0.14, 0.12],
  [0.36, 0.1, 0.14, 0.12, 0.16, 0.12],
  [0.26, 0.08, 0.1, 0.22, 0.16, 0.18],
  [0.12, 0.04, 0.05, 0.52, 0.12, 0.15],
];
/** Evening hour at which each device type peaks (local time). */
const PEAK_HOUR = [21, 20.5, 22, 18, 17.5, 15];
/** The data ends at 2026-11-23T23:55:00Z like the fixtures; it starts DAYS days before. */
const END = Date.UTC(2026, 10, 24) / 1000;

export interface GenerateOptions {
  readonly services: number;
  readonly days: number;
  readonly step: number;
  /** Trace counts every traceEvery x step seconds (default 3: 15-minute counts at a 5-minute step). */
  readonly traceEvery?: number;
}

function seedOf(name: string): number {
  let h = 2166136261;
  for (let i = 0; i < name.length; i++) h = Math.imul(h ^ name.charCodeAt(i), 16777619);
  return h >>> 0;
}

/** Diurnal level in [0.2, 1.2] at hour-of-day h (local) for a device peaking at p. */
function diurnal(h: number, p: number): number {
  const d = Math.min(Math.abs(h - p), 24 - Math.abs(h - p));
  return 0.2 + Math.exp(-(d * d) / 18);
}

/** A buffered line writer: one write per MiB. */
class Lines {
  private readonly fd: number;
  private chunk = '';
  rows = 0;
  constructor(file: string, header: string) {
    this.fd = openSync(file, 'w');
    this.chunk = `${header}\n`;
  }
  add(line: string): void {
    this.chunk += `${line}\n`;
    this.rows += 1;
    if (this.chunk.length > 1 << 20) this.flush();
  }
  flush(): void {
    writeSync(this.fd, this.chunk);
    this.chunk = '';
  }
  close(): number {
    this.flush();
    closeSync(this.fd);
    return this.rows;
  }
}

export function generate(out: string, options: GenerateOptions): Record<string, number> {
  const { services, days, step } = options;
  const dataDir = path.join(out, 'data');
  mkdirSync(dataDir, { recursive: true });
  mkdirSync(path.join(out, 'config'), { recursive: true });
  copyFileSync(path.resolve(import.meta.dirname, '../metrics-config/evacuation.yaml'), path.join(out, 'config/evacuation.yaml'));
  const start = END - days * 86_400;
  const names = Array.from({ length: services }, (_, i) => `service-${String(i).padStart(4, '0')}`);

  const traffic = new Lines(path.join(dataDir, 'device-traffic.csv'), 'timestamp,region,device_type,value');
  REGIONS.forEach((region, r) => {
    DEVICES.forEach((device, d) => {
      const rand = mulberry32(seedOf(`traffic/${region}/${device}`));
      for (let t = start; t < END; t += step) {
        const h = (((t / 3600 + (OFFSETS[r] as number)) % 24) + 24) % 24;
        const v = (PEAKS[r] as number) * (MIX[r]?.[d] as number) * diurnal(h, PEAK_HOUR[d] as number) * (0.9 + 0.2 * rand());
        traffic.add(`${t},${region},${device},${Math.round(v)}`);
      }
    });
  });

  const demand = new Lines(path.join(dataDir, 'service-demand.csv'), 'timestamp,region,service,value');
  const traces = new Lines(path.join(dataDir, 'trace-samples.csv'), 'timestamp,region,service,device_type,count');
  const capacity = new Lines(path.join(dataDir, 'capacity.csv'), 'region,service,current_capacity,min_capacity,max_capacity');
  for (const service of names) {
    const sr = mulberry32(seedOf(`service/${service}`));
    const size = 50 + Math.floor(sr() * 950);
    // Each service leans towards some device types: its own mix, renormalised per region.
    const lean = DEVICES.map(() => 0.3 + sr());
    REGIONS.forEach((region, r) => {
      const rand = mulberry32(seedOf(`demand/${service}/${region}`));
      for (let t = start; t < END; t += step) {
        const h = (((t / 3600 + (OFFSETS[r] as number)) % 24) + 24) % 24;
        demand.add(`${t},${region},${service},${Math.round(size * diurnal(h, 20) * (0.9 + 0.2 * rand()))}`);
      }
      const tr = mulberry32(seedOf(`traces/${service}/${region}`));
      for (let t = start; t < END; t += (options.traceEvery ?? 3) * step) {
        const h = (((t / 3600 + (OFFSETS[r] as number)) % 24) + 24) % 24;
        DEVICES.forEach((device, d) => {
          const n = Math.floor((MIX[r]?.[d] as number) * (lean[d] as number) * 400 * diurnal(h, PEAK_HOUR[d] as number) * tr());
          if (n > 0) traces.add(`${t},${region},${service},${device},${n}`);
        });
      }
      const current = Math.max(2, Math.round(((size / 20) * (PEAKS[r] as number)) / 5000));
      capacity.add(`${region},${service},${current},${Math.max(1, Math.floor(current / 2))},${current * 4}`);
    });
  }
  const evacuations = new Lines(path.join(dataDir, 'evacuations.csv'), 'start,end,failed_region');
  evacuations.add(`${new Date((END - 4 * 86_400 + 2 * 3600) * 1000).toISOString()},${new Date((END - 4 * 86_400 + 5 * 3600) * 1000).toISOString()},us-west-2`);
  return { traffic: traffic.close(), demand: demand.close(), traces: traces.close(), capacity: capacity.close(), evacuations: evacuations.close() };
}

function arg(args: string[], name: string, fallback: number): number {
  const i = args.indexOf(`--${name}`);
  if (i === -1) return fallback;
  const v = Number(args[i + 1]);
  if (!Number.isInteger(v) || v <= 0) throw new Error(`--${name}: expected a positive integer`);
  return v;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const args = process.argv.slice(2);
  const out = args[0];
  if (!out || out.startsWith('--')) throw new Error('usage: tsx bench/generate.ts OUT --services N --days D --step SECONDS');
  const step = arg(args, 'step', 300);
  if (86_400 % step !== 0) throw new Error('--step: expected a divisor of 86400');
  const rows = generate(out, { services: arg(args, 'services', 11), days: arg(args, 'days', 14), step, traceEvery: arg(args, 'trace-every', 3) });
  const total = Object.values(rows).reduce((a, b) => a + b, 0);
  // Kept beside the data: bench/scale.ts turns wall times into rows per second with it.
  writeFileSync(path.join(out, 'rows.json'), `${JSON.stringify({ rows, total })}\n`);
  console.log(JSON.stringify({ out, rows, total }));
}
