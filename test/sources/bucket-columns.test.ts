import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, test } from 'vitest';
import { type LoadedConfig, loadConfig } from '../../src/config/load-config.ts';
import { BugError, EvacError, unwrap } from '../../src/errors.ts';
import { bucketOf } from '../../src/model/bucket.ts';
import { planEvacuation } from '../../src/services/plan.ts';
import { precompute } from '../../src/services/precompute.ts';
import { planBuckets } from '../../src/services/plan-buckets.ts';
import { buildPlanIndex } from '../../src/services/plan-index.ts';
import { COLUMNS_FILE, openColumns } from '../../src/sources/bucket-columns.ts';
import { readPrecomputedBuckets } from '../../src/sources/precomputed-ranges.ts';
import { readCapacity, readManifest, writeDataDir } from '../../src/sources/data-files.ts';
import type { DataSource, LoadRequest } from '../../src/sources/data-source.ts';
import { FilesSource } from '../../src/sources/files-source.ts';
import { ROOT } from '../support/run-cli.ts';

/** The same directory, read whole: the request's buckets are not passed on. */
const whole = (source: DataSource): DataSource => ({
  load: ({ buckets: _, ...request }: LoadRequest) => source.load(request),
});

const AT = Date.parse('2026-11-24T14:10:00Z') / 1000;
let config: LoadedConfig;
let dir: string;
let result: Awaited<ReturnType<typeof precompute>>;

beforeAll(async () => {
  config = unwrap(loadConfig(path.join(ROOT, 'metrics-config')));
  result = await precompute({ config, source: new FilesSource(path.join(ROOT, 'fixtures')), now: Date.parse('2026-11-24T06:00:00Z') / 1000 });
  dir = mkdtempSync(path.join(tmpdir(), 'evac-columns-'));
  writeDataDir(dir, result.data, result.manifest, result.dayTypes);
});

/** A copy of the precomputed directory, its files' times kept (so that its column copy still stands for its CSV). */
function copyOf(source = dir): string {
  const copy = mkdtempSync(path.join(tmpdir(), 'evac-columns-'));
  cpSync(source, copy, { recursive: true, preserveTimestamps: true });
  return copy;
}

function columnsOf(d: string) {
  const manifest = unwrap(readManifest(d));
  if (!manifest) throw new Error('no manifest');
  return openColumns(d, manifest.bucketMinutes, 96, manifest.rows, new Set(config.evacuation.regions));
}

/** The plan at AT from `d`, read by bucket, and from `d` read whole (the rows of every CSV file, no copy). */
async function plans(d: string, windowMinutes = 0) {
  const options = { config, failedRegion: 'us-west-2', at: AT, windowMinutes, allowPartialHistory: true };
  const byBucket = await planEvacuation({ ...options, source: new FilesSource(d) });
  const read = await planEvacuation({ ...options, source: whole(new FilesSource(d)) });
  return { byBucket: { ...byBucket, source: '' }, whole: { ...read, source: '' } };
}

describe('the column copy of a precomputed directory (bucket-columns.bin)', () => {
  test('holds the rows of the CSV files: a bucket read from it is the bucket the CSV holds, row for row and in order, and the capacity rows', () => {
    expect(existsSync(path.join(dir, COLUMNS_FILE))).toBe(true);
    const columns = columnsOf(dir);
    if (!columns) throw new Error('the copy is not used');
    const bucket = bucketOf(AT, 15);
    const demand = columns.table('demand');
    expect(demand.read([bucket])).toBe(true);
    const manifest = unwrap(readManifest(dir));
    const [offset, bytes] = manifest?.byBucket?.demand.ranges[bucket] ?? [0, 0];
    const csv = readFileSync(path.join(dir, 'service-demand.csv'))
      .toString('utf8', offset, offset + bytes)
      .split('\n')
      .filter(Boolean)
      .map((line) => line.split(','))
      .map(([t, region, service, value]) => ({ t: Number(t), region, service, value: Number(value) }));
    expect(csv.length).toBeGreaterThan(0);
    expect([...demand.samples]).toEqual(csv);
    // Capacity too, record for record as capacity.csv reads.
    expect(columns.capacity()).toEqual(unwrap(readCapacity(path.join(dir, 'capacity.csv'), new Set(config.evacuation.regions))));
    columns.close();
  });

  test('plans as the CSV files do, and as a directory without a copy (written before it existed) does', async () => {
    for (const windowMinutes of [0, 240]) {
      const withCopy = await plans(dir, windowMinutes);
      expect(withCopy.byBucket).toEqual(withCopy.whole);
      const without = copyOf();
      rmSync(path.join(without, COLUMNS_FILE));
      expect((await plans(without, windowMinutes)).byBucket).toEqual(withCopy.whole);
    }
  });

  test('is not used once a CSV file has another time than when it was written, within the same second too: the plan is read from the CSV, edits included', async () => {
    const copy = copyOf();
    expect(columnsOf(copy)).not.toBeNull();
    // A demand value of the planned bucket changed, the file's size kept.
    const manifest = unwrap(readManifest(copy));
    const [offset] = manifest?.byBucket?.demand.ranges[bucketOf(AT, 15)] ?? [0, 0];
    const file = path.join(copy, 'service-demand.csv');
    const before = statSync(file).mtimeMs;
    const buffer = readFileSync(file);
    const end = buffer.indexOf('\n', offset);
    buffer[end - 1] = buffer[end - 1] === 0x31 ? 0x32 : 0x31;
    writeFileSync(file, buffer);
    // Its time within the same second as before, a few milliseconds apart.
    const sameSecond = Math.floor((before + 5) / 1000) === Math.floor(before / 1000) ? before + 5 : before - 5;
    utimesSync(file, new Date(), new Date(sameSecond));
    expect(columnsOf(copy)).toBeNull();
    const { byBucket, whole: read } = await plans(copy);
    expect(byBucket).toEqual(read);
  });

  test('a damaged copy is not used: the plan is read from the CSV', async () => {
    for (const damage of [
      (b: Buffer) => b.subarray(0, b.length - 3),
      (b: Buffer) => Buffer.from(b.toString('latin1').replace('EVACCOL1', 'EVACCOL9'), 'latin1'),
    ]) {
      const copy = copyOf();
      const file = path.join(copy, COLUMNS_FILE);
      writeFileSync(file, damage(readFileSync(file)));
      expect(columnsOf(copy)).toBeNull();
      expect((await plans(copy)).byBucket).toEqual((await plans(dir)).whole);
    }
  });

  test('a row of the copy the CSV reader would not take as it is (a value out of bounds) sends the read back to the CSV', async () => {
    const copy = copyOf();
    const file = path.join(copy, COLUMNS_FILE);
    const bytes = readFileSync(file);
    const header = JSON.parse(bytes.toString('utf8', bytes.length - 8 - bytes.readUInt32LE(bytes.length - 8), bytes.length - 8)) as {
      tables: { demand: { blocks: [number, number][] } };
    };
    const [offset, rows] = header.tables.demand.blocks[bucketOf(AT, 15)] ?? [0, 0];
    expect(rows).toBeGreaterThan(0);
    // The block's first value (after its series numbers, padded to 8 bytes, and its times).
    bytes.writeDoubleLE(Number.NaN, offset + Math.ceil((rows * 4) / 8) * 8 + rows * 8);
    writeFileSync(file, bytes);
    const columns = columnsOf(copy);
    expect(columns?.table('demand').read([bucketOf(AT, 15)])).toBe(false);
    columns?.close();
    expect((await plans(copy)).byBucket).toEqual((await plans(dir)).whole);
  });

  test('is not written when a name would not read back from the CSV as written (a comma in it): plans read the CSV', async () => {
    const named = mkdtempSync(path.join(tmpdir(), 'evac-columns-'));
    const demand = result.data.demand;
    const renamed = {
      ...result.data,
      demand: {
        *[Symbol.iterator]() {
          for (const s of demand) yield s.service === 'playback-authz' ? { ...s, service: 'playback,authz' } : s;
        },
      },
    };
    // An older copy in the directory goes too.
    writeDataDir(named, result.data, result.manifest, result.dayTypes);
    expect(existsSync(path.join(named, COLUMNS_FILE))).toBe(true);
    writeDataDir(named, renamed, result.manifest, result.dayTypes);
    expect(existsSync(path.join(named, COLUMNS_FILE))).toBe(false);
    const { byBucket, whole: read } = await plans(named);
    expect(byBucket).toEqual(read);
  });

  describe("demand's levels per bucket", () => {
    /** The config with `evacuation` changed. */
    const withEvacuation = (change: Partial<LoadedConfig['evacuation']>): LoadedConfig => ({ ...config, evacuation: { ...config.evacuation, ...change } });

    /** What a plan at `at` with `c` reads from `d` by bucket: its data, with demand's levels or its rows. */
    function readFor(d: string, at: number, c = config) {
      const manifest = unwrap(readManifest(d));
      if (!manifest) throw new Error('no manifest');
      const evac = c.evacuation;
      const wanted = planBuckets({
        windowBuckets: [bucketOf(at, 15)],
        bucketMinutes: 15,
        lookbackDays: evac.lookbackDays,
        historyEnd: at,
        minTraceSamples: evac.defaults.minTraceSamples,
      });
      const dayTypes = { rule: evac.dayTypes, timeZones: evac.timeZones };
      const read = readPrecomputedBuckets(d, manifest, new Set(evac.regions), wanted, { to: at, lookbackDays: evac.lookbackDays, dayTypes });
      if (!read?.ok) throw new Error('not read by bucket');
      return read.data;
    }

    /** The plan at `at` from `d` by bucket and read whole, with config `c`. */
    async function plansAt(d: string, at: number, c = config, windowMinutes = 0) {
      const options = { config: c, failedRegion: 'us-west-2', at, windowMinutes, allowPartialHistory: true };
      const byBucket = await planEvacuation({ ...options, source: new FilesSource(d) });
      const read = await planEvacuation({ ...options, source: whole(new FilesSource(d)) });
      return { byBucket: { ...byBucket, source: '' }, whole: { ...read, source: '' } };
    }

    const SATURDAY = Date.parse('2026-11-28T03:30:00Z') / 1000;

    test('are read instead of the demand rows, and plan exactly as folding the rows does, on a weekday and on a weekend, for one bucket and a window', async () => {
      const data = readFor(dir, AT);
      expect(data.demandLevels?.buckets.size).toBeGreaterThan(0);
      expect(data.demand.rows?.names.length).toBe(data.demandLevels?.series.length);
      expect([...data.demand]).toEqual([]);
      for (const at of [AT, SATURDAY]) {
        for (const windowMinutes of [0, 240]) {
          const { byBucket, whole: read } = await plansAt(dir, at, config, windowMinutes);
          expect(byBucket).toEqual(read);
          expect(read.services.some((e) => e.demand !== null)).toBe(true);
        }
      }
      // Capacity carried to the planned bucket by demand: the sample nearest its observation comes with the levels too.
      const rescaled = (await plansAt(dir, AT)).byBucket.services.filter((e) => e.capacityRescale !== null);
      expect(rescaled.length).toBeGreaterThan(0);
    });

    test('are not used when the plan gives a region another time zone than they were found with: the rows are folded, and the plan is as read whole', async () => {
      const moved = withEvacuation({ timeZones: { ...config.evacuation.timeZones, 'eu-west-1': 'Asia/Tokyo' } });
      expect(readFor(dir, AT, moved).demandLevels).toBeUndefined();
      expect([...readFor(dir, AT, moved).demand].length).toBeGreaterThan(0);
      const { byBucket, whole: read } = await plansAt(dir, SATURDAY, moved);
      expect(byBucket).toEqual(read);
      // Levels over all dates do not depend on zones: used then.
      const all = withEvacuation({ dayTypes: 'all', timeZones: { 'eu-west-1': 'Asia/Tokyo' } });
      expect(readFor(dir, AT, all).demandLevels).toBeDefined();
      const allDates = await plansAt(dir, SATURDAY, all);
      expect(allDates.byBucket).toEqual(allDates.whole);
    });

    test('are not used when a past evacuation listed in evacuations.csv (not part of the copy) overlaps the lookback window: its samples are left out of the plan', async () => {
      const copy = copyOf();
      writeFileSync(path.join(copy, 'evacuations.csv'), 'start,end,failed_region\n2026-11-20T00:00:00Z,2026-11-21T00:00:00Z,us-east-1\n');
      expect(columnsOf(copy)).not.toBeNull();
      expect(readFor(copy, AT).demandLevels).toBeUndefined();
      const { byBucket, whole: read } = await plansAt(copy, AT);
      expect(byBucket).toEqual(read);
      expect(byBucket).not.toEqual((await plansAt(dir, AT)).byBucket);
    });

    test('are not used when the lookback window does not hold every demand row (a shorter lookback than the directory was folded with is refused before that, so: a plan whose history ends before the rows do)', () => {
      const manifest = unwrap(readManifest(dir));
      const end = Date.parse(manifest?.dataEnd ?? '') / 1000;
      // A history ending an hour before the directory's end (what the manifest check refuses for a plan; the source alone must not use the levels).
      expect(readFor(dir, end - 3600).demandLevels).toBeUndefined();
      expect(readFor(dir, end).demandLevels).toBeDefined();
    });

    test('a plan index given levels found from samples its lookback leaves out refuses them (a bug: exit 1), never plans from them', () => {
      const data = readFor(dir, AT);
      const span = data.demandLevels?.span ?? [0, 0];
      expect(() => buildPlanIndex(data, (t) => t > span[0], 15, new Set([bucketOf(AT, 15)]))).toThrow(BugError);
      expect(() => buildPlanIndex(data, () => true, 15, new Set([bucketOf(AT, 15)]))).not.toThrow();
    });

    test('are not written when a demand value is outside the bounds of "Data files": the plan reads the rows, and refuses the value loudly (exit 2)', async () => {
      const extreme = mkdtempSync(path.join(tmpdir(), 'evac-columns-'));
      const demand = result.data.demand;
      const bucket = bucketOf(AT, 15);
      let changed = false;
      const withExtreme = {
        ...result.data,
        demand: {
          *[Symbol.iterator]() {
            for (const s of demand) {
              if (!changed && bucketOf(s.t, 15) === bucket) {
                changed = true;
                yield { ...s, value: 1e20 };
              } else yield s;
            }
          },
        },
      };
      writeDataDir(extreme, withExtreme, result.manifest, result.dayTypes);
      expect(changed).toBe(true);
      // The copy holds the rows but no levels (its header has none).
      const bytes = readFileSync(path.join(extreme, COLUMNS_FILE));
      const header = JSON.parse(bytes.toString('utf8', bytes.length - 8 - bytes.readUInt32LE(bytes.length - 8), bytes.length - 8)) as { levels?: unknown };
      expect(header.levels).toBeUndefined();
      await expect(planEvacuation({ config, failedRegion: 'us-west-2', at: AT, source: new FilesSource(extreme) })).rejects.toThrow(EvacError);
      await expect(planEvacuation({ config, failedRegion: 'us-west-2', at: AT, source: new FilesSource(extreme) })).rejects.toThrow(
        /service-demand\.csv:\d+: column "value": "100000000000000000000" is above 1e\+15/,
      );
    });

    test("are not written without the plans' day types (writeDataDir given none): plans fold the rows", async () => {
      const bare = mkdtempSync(path.join(tmpdir(), 'evac-columns-'));
      writeDataDir(bare, result.data, result.manifest);
      expect(columnsOf(bare)).not.toBeNull();
      expect(readFor(bare, AT).demandLevels).toBeUndefined();
      expect((await plansAt(bare, AT)).byBucket).toEqual((await plansAt(dir, AT)).whole);
    });
  });
});
