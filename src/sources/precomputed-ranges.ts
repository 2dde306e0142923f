import { closeSync, openSync, readSync, statSync } from 'node:fs';
import type { InputIssue, Result } from '../errors.ts';
import { bucketOf, bucketsPerDay } from '../model/bucket.ts';
import { getOrInsert } from '../model/get-or-insert.ts';
import type { DemandSample, PlanningData, TraceSample } from '../model/planning-data.ts';
import { type ColumnKind, type CsvRow, parseCsv } from './csv-table.ts';
import { type BucketRanges, type PrecomputeManifest, readCapacity, readEvacuations, readTraffic } from './data-files.ts';
import { DATA_FILES, dataFile, unknownRegion } from './data-tables.ts';
import type { BucketsWanted } from './data-source.ts';

/**
 * Reads a precomputed directory's traces and demand only in the time-of-day buckets a caller
 * needs, through the byte ranges its manifest records (`byBucket`, written by `evac precompute`);
 * traffic, capacity and evacuations are small and read whole.
 *
 * `wanted` is asked which buckets it needs given what is read so far (and whether a trace series
 * has no row there yet), and asked again after each read until it asks for nothing new (trace
 * buckets pooled around a planned bucket depend on the counts read). Rows are checked as the
 * whole-file reader checks them, their lines named as in the file.
 *
 * Returns null when the index cannot be trusted or could hide something, and the caller reads
 * everything: a file of another size than when it was written, a row outside its bucket's range,
 * or fewer services or trace series than the directory holds (one with no row in the buckets
 * read: its name, or its pooled traces, could matter).
 */
export function readPrecomputedBuckets(
  dir: string,
  manifest: PrecomputeManifest,
  regions: ReadonlySet<string>,
  wanted: BucketsWanted,
): Result<PlanningData> | null {
  const index = manifest.byBucket;
  if (!index) return null;
  const bucketCount = bucketsPerDay(manifest.bucketMinutes);
  const tables = { traces: index.traces, demand: index.demand };
  for (const [key, ranges] of Object.entries(tables) as ['traces' | 'demand', BucketRanges][]) {
    if (ranges.ranges.length !== bucketCount || fileSize(dataFile(dir, key)) !== ranges.bytes) return null;
  }
  const traffic = readTraffic(dataFile(dir, 'traffic'), regions);
  const capacity = readCapacity(dataFile(dir, 'capacity'), regions);
  const evacuations = readEvacuations(dataFile(dir, 'evacuations'), regions);
  if (!traffic.ok || !capacity.ok || !evacuations.ok) {
    return { ok: false, issues: [traffic, capacity, evacuations].flatMap((r) => (r.ok ? [] : r.issues)) };
  }
  const traces: TraceSample[] = [];
  const demand: DemandSample[] = [];
  const data: PlanningData = { traffic: traffic.data, traces, demand, capacity: capacity.data, evacuations: evacuations.data };
  const read = { traces: new Set<number>(), demand: new Set<number>() };
  // Region -> services with a trace row read (no key string made per row).
  const traceSeries = new Map<string, Set<string>>();
  let traceSeriesSeen = 0;
  for (;;) {
    const wants = wanted(data, { ...read, unseenTraceSeries: traceSeriesSeen < index.traceSeries });
    const next = (table: 'traces' | 'demand') => {
      const buckets = [...wants[table]].filter((b) => Number.isInteger(b) && b >= 0 && b < bucketCount && !read[table].has(b)).sort((a, b) => a - b);
      for (const b of buckets) read[table].add(b);
      return buckets;
    };
    const traceBuckets = next('traces');
    const demandBuckets = next('demand');
    if (traceBuckets.length === 0 && demandBuckets.length === 0) break;
    const t = readBuckets(dataFile(dir, 'traces'), DATA_FILES.traces.columns, index.traces, traceBuckets, regions, manifest.bucketMinutes, (r) => ({
      t: r.timestamp,
      region: r.region,
      service: r.service,
      device: r.device_type,
      count: r.count,
    }));
    const d = readBuckets(dataFile(dir, 'demand'), DATA_FILES.demand.columns, index.demand, demandBuckets, regions, manifest.bucketMinutes, (r) => ({
      t: r.timestamp,
      region: r.region,
      service: r.service,
      value: r.value,
    }));
    if (t === null || d === null) return null;
    if (!t.ok || !d.ok) return { ok: false, issues: [t, d].flatMap((r) => (r.ok ? [] : r.issues)) };
    for (const s of t.data) {
      traces.push(s);
      const seen = getOrInsert(traceSeries, s.region, () => new Set<string>());
      if (!seen.has(s.service)) {
        seen.add(s.service);
        traceSeriesSeen += 1;
      }
    }
    for (const s of d.data) demand.push(s);
  }
  const services = new Set<string>();
  for (const rows of [traces, demand, capacity.data]) for (const r of rows) services.add(r.service);
  if (services.size < index.services || traceSeriesSeen < index.traceSeries) return null;
  if (traffic.data.length === 0)
    return { ok: false, issues: [{ file: dataFile(dir, 'traffic'), message: 'no rows: expected regional traffic by device type' }] };
  return { ok: true, data };
}

function fileSize(file: string): number | undefined {
  try {
    return statSync(file).size;
  } catch {
    return undefined;
  }
}

/**
 * The rows of some buckets of a table, checked as `parseCsv` checks a whole file (the header is
 * the file's own), their line numbers those of the file. Null when a row is outside its
 * bucket (the file changed since it was indexed).
 */
function readBuckets<C extends Record<string, ColumnKind>, T extends { t: number }>(
  file: string,
  columns: C,
  index: BucketRanges,
  buckets: readonly number[],
  regions: ReadonlySet<string>,
  bucketMinutes: number,
  build: (row: CsvRow<C> & { region: string }) => T,
): Result<T[]> | null {
  const fd = openSync(file, 'r');
  try {
    const first = index.ranges.reduce((m, [offset]) => Math.min(m, offset), index.bytes);
    const header = readText(fd, 0, first);
    const out: T[] = [];
    const issues: InputIssue[] = [];
    for (const b of buckets) {
      const [offset, bytes, line] = index.ranges[b] ?? [0, 0, 2];
      if (bytes === 0) continue;
      let outside = false;
      // The header, then the range: the range's first row is line 2 of this text.
      const toFile = (l: number) => l - 2 + line;
      const parsed = parseCsv(`${header}${readText(fd, offset, bytes)}`, file, columns, (row) => {
        const r = row as CsvRow<C> & { region: string; timestamp: number };
        if (bucketOf(r.timestamp, bucketMinutes) !== b) outside = true;
        if (!regions.has(r.region) && issues.length < 20) issues.push(unknownRegion(file, toFile(row.line), r.region, 'region', regions));
        return build(r);
      });
      if (outside) return null;
      if (!parsed.ok) {
        for (const i of parsed.issues) issues.push(i.line === undefined || i.line < 2 ? i : { ...i, line: toFile(i.line) });
        continue;
      }
      for (const s of parsed.data) out.push(s);
    }
    return issues.length > 0 ? { ok: false, issues } : { ok: true, data: out };
  } finally {
    closeSync(fd);
  }
}

function readText(fd: number, offset: number, bytes: number): string {
  const buffer = Buffer.allocUnsafe(bytes);
  let done = 0;
  while (done < bytes) {
    const n = readSync(fd, buffer, done, bytes - done, offset + done);
    if (n === 0) break;
    done += n;
  }
  return buffer.toString('utf8', 0, done);
}
