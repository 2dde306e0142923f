import { copyFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { loadConfig } from '../../src/config/load-config.ts';
import { EvacError, inputError, unwrap } from '../../src/errors.ts';
import { planEvacuation } from '../../src/services/plan.ts';
import type { LoadRequest } from '../../src/sources/data-source.ts';
import { FilesSource, readDataDir } from '../../src/sources/files-source.ts';

/** Always the columnar engine, whatever the size of the files. */
const ENGINE = { reader: 'engine' } as const;
import { SMALL_WORLD, SMALL_WORLD_AT, type World, writeWorld } from '../support/small-world.ts';

const TRAFFIC = SMALL_WORLD['data/device-traffic.csv'];
const TRACES = SMALL_WORLD['data/trace-samples.csv'];

/** The error the engine's load throws, or null when it loads. */
async function engineError(w: World): Promise<string | null> {
  const config = unwrap(loadConfig(w.configDir));
  const request: LoadRequest = { config, scopes: [], from: SMALL_WORLD_AT - 2 * 86_400, to: SMALL_WORLD_AT };
  try {
    await new FilesSource(w.dataDir, ENGINE).load(request);
    return null;
  } catch (error) {
    if (!(error instanceof EvacError)) throw error;
    expect(error.exitCode).toBe(2);
    return error.message;
  }
}

/** The error today's row-by-row reader gives for the same files. */
function checkerError(w: World): string | null {
  const config = unwrap(loadConfig(w.configDir));
  const result = readDataDir(w.dataDir, new Set(config.evacuation.regions));
  return result.ok ? null : inputError(result.issues).message;
}

describe('the engine on bad input', () => {
  const cases: [string, Record<string, string | null>][] = [
    ['a timestamp that is not one', { 'data/device-traffic.csv': `${TRAFFIC}yesterday,us-east-1,tv,5\n` }],
    ['an unknown region', { 'data/trace-samples.csv': `${TRACES}2026-11-23T10:05:00Z,mars-1,authz,tv,3\n` }],
    ['a row with too few fields', { 'data/device-traffic.csv': `${TRAFFIC}2026-11-23T10:05:00Z,us-east-1,tv\n` }],
    ['an empty service', { 'data/trace-samples.csv': `${TRACES}2026-11-23T10:05:00Z,us-east-1,,tv,3\n` }],
    ['a negative number', { 'data/service-demand.csv': 'timestamp,region,service,value\n2026-11-22T10:00:00Z,us-east-1,authz,-4\n' }],
    ['a missing column', { 'data/service-demand.csv': 'timestamp,region,value\n2026-11-22T10:00:00Z,us-east-1,4\n' }],
    ['a missing file', { 'data/trace-samples.csv': null }],
    [
      'bad rows in two files',
      {
        'data/device-traffic.csv': `${TRAFFIC}x,us-east-1,tv,5\n`,
        'data/capacity.csv': 'region,service,current_capacity,min_capacity,max_capacity\nus-east-1,authz,10,50,20\n',
      },
    ],
    ['a traffic file with no rows', { 'data/device-traffic.csv': 'timestamp,region,device_type,value\n' }],
  ];
  test.each(cases)('names the file and line exactly as the row-by-row reader does: %s', async (_name, changes) => {
    const w = writeWorld(changes);
    const expected = checkerError(w);
    expect(expected).not.toBeNull();
    expect(await engineError(w)).toBe(expected);
  });

  test('accepts what only its own narrower rules refused (an exponent, a + sign), with the same plan', async () => {
    const changes = {
      'data/service-demand.csv': 'timestamp,region,service,value\n2026-11-22T10:00:00Z,us-east-1,authz,1e3\n2026-11-23T10:00:00Z,us-east-1,authz,+1200\n',
    };
    const w = writeWorld(changes);
    expect(checkerError(w)).toBeNull();
    const config = unwrap(loadConfig(w.configDir));
    const plan = await planEvacuation({ config, source: new FilesSource(w.dataDir, ENGINE), failedRegion: 'us-west-2', at: SMALL_WORLD_AT });
    const data = unwrap(readDataDir(w.dataDir, new Set(config.evacuation.regions)));
    const expected = await planEvacuation({
      config,
      source: { load: async () => ({ data, unreachable: [], apiCalls: {}, description: `files in ${w.dataDir}` }) },
      failedRegion: 'us-west-2',
      at: SMALL_WORLD_AT,
    });
    expect(plan).toStrictEqual(expected);
  });

  test('refuses a table present both as CSV and as Parquet', async () => {
    const w = writeWorld();
    mkdirSync(path.join(w.dataDir, 'service-demand'));
    copyFileSync(path.join(w.dataDir, 'service-demand.csv'), path.join(w.dataDir, 'service-demand', 'part-0.parquet'));
    const config = unwrap(loadConfig(w.configDir));
    await expect(new FilesSource(w.dataDir, ENGINE).load({ config, scopes: [], from: 0, to: SMALL_WORLD_AT })).rejects.toThrow(
      /both hold this table: expected one of them/,
    );
  });

  test('refuses the conflict by default too, where small CSV files are read row by row', async () => {
    const w = writeWorld();
    mkdirSync(path.join(w.dataDir, 'service-demand'));
    copyFileSync(path.join(w.dataDir, 'service-demand.csv'), path.join(w.dataDir, 'service-demand', 'part-0.parquet'));
    const config = unwrap(loadConfig(w.configDir));
    await expect(new FilesSource(w.dataDir).load({ config, scopes: [], from: 0, to: SMALL_WORLD_AT })).rejects.toThrow(/both hold this table/);
  });

  test('names a Parquet file that is not one', async () => {
    const w = writeWorld({ 'data/trace-samples.csv': null, 'data/trace-samples.parquet': 'not parquet at all' });
    const config = unwrap(loadConfig(w.configDir));
    await expect(new FilesSource(w.dataDir, ENGINE).load({ config, scopes: [], from: 0, to: SMALL_WORLD_AT })).rejects.toThrow(
      /trace-samples\.parquet: not a readable Parquet table/,
    );
  });
});

describe('the engine on the small world (ISO timestamps, a past evacuation inside a bucket)', () => {
  test('plans as the row-by-row reader does, at every hour of the last day', async () => {
    const w = writeWorld();
    const config = unwrap(loadConfig(w.configDir));
    const data = unwrap(readDataDir(w.dataDir, new Set(config.evacuation.regions)));
    const rowByRow = { load: async () => ({ data, unreachable: [], apiCalls: {}, description: `files in ${w.dataDir}` }) };
    for (let h = 0; h < 24; h += 1) {
      const at = Date.parse('2026-11-23T00:00:00Z') / 1000 + h * 3600 + 1234;
      // Most hours of the small world have no traffic: plan them anyway (flagged no-history) to compare.
      const options = { config, failedRegion: 'us-west-2', at, allowPartialHistory: true };
      const actual = await planEvacuation({ ...options, source: new FilesSource(w.dataDir, ENGINE) });
      expect(actual).toStrictEqual(await planEvacuation({ ...options, source: rowByRow }));
    }
  });
});
