import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, test } from 'vitest';
import { type LoadedConfig, loadConfig } from '../../src/config/load-config.ts';
import { EvacError, unwrap } from '../../src/errors.ts';
import { bucketOf } from '../../src/model/bucket.ts';
import { planEvacuation } from '../../src/services/plan.ts';
import { precompute } from '../../src/services/precompute.ts';
import { readManifest, writeDataDir } from '../../src/sources/data-files.ts';
import type { DataSource, LoadRequest, LoadResult } from '../../src/sources/data-source.ts';
import { CoveringSource } from '../../src/sources/covering-source.ts';
import { FilesSource } from '../../src/sources/files-source.ts';
import { MemoSource } from '../../src/sources/memo-source.ts';
import { readPrecomputedBuckets } from '../../src/sources/precomputed-ranges.ts';
import { ROOT } from '../support/run-cli.ts';

/** The same directory, read whole: the request's buckets are not passed on. */
const whole = (source: DataSource): DataSource => ({
  load: ({ buckets: _, ...request }: LoadRequest) => source.load(request),
});

/** A source that keeps what the last load returned. */
function recording(source: DataSource): DataSource & { last?: LoadResult } {
  const r: DataSource & { last?: LoadResult } = {
    load: async (request) => {
      r.last = await source.load(request);
      return r.last;
    },
  };
  return r;
}

let config: LoadedConfig;
let dir: string;

beforeAll(async () => {
  config = unwrap(loadConfig(path.join(ROOT, 'metrics-config')));
  const result = await precompute({ config, source: new FilesSource(path.join(ROOT, 'fixtures')), now: Date.parse('2026-11-24T06:00:00Z') / 1000 });
  dir = mkdtempSync(path.join(tmpdir(), 'evac-precomputed-'));
  writeDataDir(dir, result.data, result.manifest, result.dayTypes);
});

/** A copy of the precomputed directory, with `edit` applied to one of its files (the demand file by default). */
function editedCopy(edit: (text: string) => string, file = 'service-demand.csv'): string {
  const copy = mkdtempSync(path.join(tmpdir(), 'evac-precomputed-'));
  for (const f of ['device-traffic.csv', 'trace-samples.csv', 'service-demand.csv', 'capacity.csv', 'evacuations.csv', 'precompute.json']) {
    const text = readFileSync(path.join(dir, f), 'utf8');
    writeFileSync(path.join(copy, f), f === file ? edit(text) : text);
  }
  return copy;
}

describe('a precomputed directory read by bucket', () => {
  test('indexes its trace and demand rows by bucket in precompute.json', () => {
    const manifest = unwrap(readManifest(dir));
    const demand = readFileSync(path.join(dir, 'service-demand.csv'));
    const ranges = manifest?.byBucket?.demand.ranges ?? [];
    expect(ranges).toHaveLength(96);
    for (const [b, [offset, bytes, line]] of ranges.entries()) {
      const rows = demand
        .toString('utf8', offset, offset + bytes)
        .split('\n')
        .filter(Boolean);
      for (const row of rows) expect(bucketOf(Number(row.split(',')[0]), 15)).toBe(b);
      if (rows.length > 0) expect(demand.toString('utf8').split('\n')[line - 1]).toBe(rows[0]);
    }
  });

  test('plans exactly as the whole directory does, at several times, windows and failed regions, reading a few buckets', async () => {
    const source = recording(new FilesSource(dir));
    const full = whole(new FilesSource(dir));
    const rescaled = new Set<string>();
    for (const at of ['2026-11-24T14:10:00Z', '2026-11-25T02:50:00Z', '2026-11-26T20:00:00Z']) {
      for (const windowMinutes of [0, 240]) {
        for (const failedRegion of Object.keys(config.evacuation.steering).slice(0, 2)) {
          const options = { config, failedRegion, at: Date.parse(at) / 1000, windowMinutes, allowPartialHistory: true };
          const a = await planEvacuation({ ...options, source: full });
          const b = await planEvacuation({ ...options, source });
          expect({ ...b, source: '' }).toEqual({ ...a, source: '' });
          const read = source.last?.data.demand.length ?? 0;
          expect(read).toBeLessThan(unwrap(readManifest(dir))?.rows.demand ?? 0);
          // Capacity observed in another bucket than the planned one, rescaled by the demand
          // sample nearest its observation (in its bucket or the next).
          for (const e of b.services) if (e.capacityRescale) rescaled.add(e.capacityRescale.from);
        }
      }
    }
    expect(rescaled).toContain('sample');
  });

  test('reads the bucket after a capacity observation: its demand sample may be the nearest', async () => {
    // Every capacity observed a minute before its bucket ends: the next bucket's samples (stamped
    // at its start) are nearer than its own bucket's.
    const copy = editedCopy((text) => text.replace(/,(\d{10})$/gm, (_, t: string) => `,${Number(t) - (Number(t) % 900) + 840}`), 'capacity.csv');
    const options = { config, failedRegion: 'us-west-2', at: Date.parse('2026-11-24T14:10:00Z') / 1000, allowPartialHistory: true };
    const a = await planEvacuation({ ...options, source: whole(new FilesSource(copy)) });
    const b = await planEvacuation({ ...options, source: new FilesSource(copy) });
    expect(a.services.filter((e) => e.capacityRescale?.from === 'sample').length).toBeGreaterThan(0);
    expect({ ...b, source: '' }).toEqual({ ...a, source: '' });
  });

  test('a source that answers many requests from one load (report, backtest, ui) reads every bucket', async () => {
    for (const wrap of [(s: DataSource) => new MemoSource(s), (s: DataSource) => new CoveringSource(s)]) {
      const source = recording(new FilesSource(dir));
      const options = { config, failedRegion: 'us-west-2', allowPartialHistory: true };
      const shared = wrap(source);
      await planEvacuation({ ...options, source: shared, at: Date.parse('2026-11-24T14:10:00Z') / 1000 });
      expect(source.last?.data.demand.length).toBe(unwrap(readManifest(dir))?.rows.demand);
      // A later plan, at another bucket, from the same load: as from the whole directory.
      const later = { ...options, at: Date.parse('2026-11-24T22:40:00Z') / 1000 };
      const b = await planEvacuation({ ...later, source: shared });
      const a = await planEvacuation({ ...later, source: whole(new FilesSource(dir)) });
      expect({ ...b, source: '' }).toEqual({ ...a, source: '' });
    }
  });

  test('a demand file changed since it was precomputed is read whole, and plans as read', async () => {
    // One more row, in a bucket the index does not know of.
    const copy = editedCopy((text) => `${text}1795300000,us-east-1,authz,1000000\n`);
    const options = { config, failedRegion: 'us-west-2', at: Date.parse('2026-11-24T14:10:00Z') / 1000, windowMinutes: 60, allowPartialHistory: true };
    const source = recording(new FilesSource(copy));
    const a = await planEvacuation({ ...options, source: whole(new FilesSource(copy)) });
    const b = await planEvacuation({ ...options, source });
    expect({ ...b, source: '' }).toEqual({ ...a, source: '' });
    // The index no longer holds: the directory is read as raw data (by the folded reader).
    const manifest = unwrap(readManifest(copy));
    if (!manifest) throw new Error('no manifest');
    expect(readPrecomputedBuckets(copy, manifest, new Set(config.evacuation.regions), () => ({ traces: [56], demand: [56] }))).toBeNull();
    expect([...(source.last?.data.demand ?? [])].some((s) => s.t === 1795300000 && s.value === 1000000)).toBe(true);
  });

  test('a row of another bucket inside a bucket read (the file edited, its size kept) reads the directory whole, and plans as read', async () => {
    const manifest = unwrap(readManifest(dir));
    const at = Date.parse('2026-11-24T14:10:00Z') / 1000;
    const [offset] = manifest?.byBucket?.demand.ranges[bucketOf(at, 15)] ?? [0, 0, 0];
    // The bucket's first row moved 15 minutes on, to the next bucket: the same number of bytes.
    const copy = editedCopy((text) => {
      const end = text.indexOf(',', offset);
      return `${text.slice(0, offset)}${Number(text.slice(offset, end)) + 900}${text.slice(end)}`;
    });
    const copyManifest = unwrap(readManifest(copy));
    if (!copyManifest) throw new Error('no manifest');
    expect(readPrecomputedBuckets(copy, copyManifest, new Set(config.evacuation.regions), () => ({ traces: [], demand: [bucketOf(at, 15)] }))).toBeNull();
    const options = { config, failedRegion: 'us-west-2', at, allowPartialHistory: true };
    const a = await planEvacuation({ ...options, source: whole(new FilesSource(copy)) });
    const b = await planEvacuation({ ...options, source: new FilesSource(copy) });
    expect({ ...b, source: '' }).toEqual({ ...a, source: '' });
  });

  test('a row of a region evacuation.yaml does not list, in a bucket read, is named by its file and line', async () => {
    const manifest = unwrap(readManifest(dir));
    const at = Date.parse('2026-11-24T14:10:00Z') / 1000;
    const [offset, , line] = manifest?.byBucket?.demand.ranges[bucketOf(at, 15)] ?? [0, 0, 0];
    // The bucket's first row's region, renamed to one of the same length that is not configured.
    const copy = editedCopy((text) => {
      const start = text.indexOf(',', offset) + 1;
      const end = text.indexOf(',', start);
      return `${text.slice(0, start)}${'x'.repeat(end - start)}${text.slice(end)}`;
    });
    const error = await planEvacuation({ config, source: new FilesSource(copy), failedRegion: 'us-west-2', at }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(EvacError);
    expect((error as EvacError).message).toContain(`${path.join(copy, 'service-demand.csv')}:${line}`);
    expect((error as EvacError).message).toContain('unknown region');
  });

  test('a bad row in a bucket read is named by its file and line', async () => {
    const manifest = unwrap(readManifest(dir));
    const at = Date.parse('2026-11-24T14:10:00Z') / 1000;
    const [offset, , line] = manifest?.byBucket?.demand.ranges[bucketOf(at, 15)] ?? [0, 0, 0];
    // The same size, so the index still holds: the bucket's first value becomes "x".
    const copy = editedCopy((text) => {
      const buffer = Buffer.from(text);
      const end = buffer.indexOf('\n', offset);
      buffer[end - 1] = 'x'.charCodeAt(0);
      return buffer.toString();
    });
    const error = await planEvacuation({ config, source: new FilesSource(copy), failedRegion: 'us-west-2', at }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(EvacError);
    expect((error as EvacError).message).toContain(`${path.join(copy, 'service-demand.csv')}:${line}`);
  });
});
