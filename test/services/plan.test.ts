import { describe, expect, test } from 'vitest';
import { loadConfig } from '../../src/config/load-config.ts';
import { unwrap } from '../../src/errors.ts';
import { type Plan, PlanSchema } from '../../src/report/plan-schema.ts';
import { planEvacuation } from '../../src/services/plan.ts';
import { FilesSource } from '../../src/sources/files-source.ts';
import { SMALL_WORLD_AT, type World, writeWorld } from '../support/small-world.ts';

async function plan(world: World, windowMinutes = 0): Promise<Plan> {
  return planEvacuation({
    config: unwrap(loadConfig(world.configDir)),
    source: new FilesSource(world.dataDir),
    failedRegion: 'us-west-2',
    at: SMALL_WORLD_AT,
    windowMinutes,
    // The small world is sparse: some buckets of a window have no history (flagged, not refused).
    allowPartialHistory: true,
  });
}

const entry = (p: Plan, service: string, region: string) => {
  const e = p.services.find((s) => s.service === service && s.region === region);
  if (!e) throw new Error(`no entry ${service} ${region}`);
  return e;
};

// Nominal traffic at bucket 10 (10:00-11:00 UTC), lookback (2026-11-21T10:30, 2026-11-23T10:30]:
//   us-east-1 tv: dates 11-21 [130], 11-22 [100,120]->110, 11-23 [90] (the 5000 at 10:30 is inside
//                 the past evacuation; the 10000 on 11-21 10:00 is before the lookback) -> median 110
//   us-east-1 ios: 50, 70 -> 60;  us-west-2 tv: 40, 60 -> 50;  us-west-2 ios: 100;  eu-west-1 tv: 200
// us-east-1 (w 0.8): rho tv = 150/110, rho ios = 140/60, uniform = (170 + 0.8*150)/170 = 290/170
// eu-west-1 (w 0.2): rho tv = 210/200, ios absent -> uniform (200 + 0.2*150)/200 = 1.15
describe('planEvacuation on a hand-computed world', () => {
  test('the plan satisfies the versioned JSON contract', async () => {
    const p = await plan(writeWorld());
    expect(PlanSchema.parse(p)).toBeTruthy();
    expect(p.schemaVersion).toBe(1);
    expect(p.failedRegion).toBe('us-west-2');
    expect(p.at).toBe('2026-11-23T10:30:00.000Z');
    expect(p.bucket).toBe(10);
    expect(p.healthyRegions).toEqual([
      { region: 'us-east-1', steeringWeight: 0.8 },
      { region: 'eu-west-1', steeringWeight: 0.2 },
    ]);
  });

  test('weights device ratios by trace shares (authz: 60% tv, 40% ios)', async () => {
    const e = entry(await plan(writeWorld()), 'authz', 'us-east-1');
    const weighted = 0.6 * (150 / 110) + 0.4 * (140 / 60);
    expect(e.weightedRatio).toBeCloseTo(weighted, 12);
    expect(e.uniformRatio).toBeCloseTo(290 / 170, 12);
    expect(e.traceSamples).toBe(100);
    const second = 0.6 * (150 / 110) ** 2 + 0.4 * (140 / 60) ** 2;
    const half = 1.96 * Math.sqrt((second - weighted ** 2) / 100);
    expect(e.ci95[0]).toBeCloseTo(weighted - half, 12);
    expect(e.ci95[1]).toBeCloseTo(weighted + half, 12);
    expect(e.deviceContributions.map((c) => c.deviceType)).toEqual(['ios', 'tv']);
    expect(e.requiredCapacity).toBe(Math.ceil(10 * weighted * 1.1)); // 20
    expect(e.targetMinCapacity).toBe(20);
    expect(e.flags).toEqual([]);
    // demand at the bucket: median(1000, 1200) = 1100, times the ratio, split by device
    expect(e.demand?.nominal).toBe(1100);
    expect(e.demand?.predicted).toBeCloseTo(1100 * weighted, 9);
    expect(e.demand?.byDevice.reduce((a, d) => a + d.predicted, 0)).toBeCloseTo(1100 * weighted, 9);
  });

  test('a region override of headroom applies in that region only; no traces -> uniform ratio', async () => {
    const e = entry(await plan(writeWorld()), 'authz', 'eu-west-1');
    expect(e.weightedRatio).toBeCloseTo(1.15, 12);
    expect(e.headroom).toBe(0.2);
    expect(e.requiredCapacity).toBe(14); // ceil(10 * 1.15 * 1.2) = ceil(13.8)
    expect(e.flags).toEqual(expect.arrayContaining(['no-traces', 'low-samples', 'pooled-buckets', 'no-demand-data']));
  });

  test('traceName maps trace data to the service; few traces pool neighbouring buckets', async () => {
    const e = entry(await plan(writeWorld()), 'drm-fairplay', 'us-east-1');
    expect(e.traceSamples).toBe(12); // 4 at bucket 10 + 8 at bucket 9
    expect(e.pooledBuckets).toEqual([10, 9, 11]);
    expect(e.weightedRatio).toBeCloseTo(140 / 60, 12);
    expect(e.requiredCapacity).toBe(16); // ceil(6 * 2.333 * 1.1) = ceil(15.4)
    expect(e.targetMinCapacity).toBe(12);
    expect(e.flags).toEqual(expect.arrayContaining(['pooled-buckets', 'exceeds-max']));
    expect(e.flags).not.toContain('low-samples');
  });

  test('a service in the data without a config is planned with defaults and flagged', async () => {
    const e = entry(await plan(writeWorld()), 'tv-ui', 'us-east-1');
    expect(e.flags).toEqual(expect.arrayContaining(['default-config', 'no-scalable-target']));
    expect(e.weightedRatio).toBeCloseTo(150 / 110, 12);
    expect(e.requiredCapacity).toBe(17); // 11 * 150/110 * 1.1 = 16.5
    expect(e.headroom).toBe(0.1);
  });

  test('a device the healthy region lacks falls back to the uniform ratio', async () => {
    const world = writeWorld({
      'data/trace-samples.csv':
        'timestamp,region,service,device_type,count\n2026-11-23T10:00:00Z,eu-west-1,authz,tv,50\n2026-11-23T10:00:00Z,eu-west-1,authz,ios,50\n',
    });
    const e = entry(await plan(world), 'authz', 'eu-west-1');
    expect(e.weightedRatio).toBeCloseTo(0.5 * 1.05 + 0.5 * 1.15, 12);
    expect(e.flags).toContain('device-ratio-fallback');
  });

  test('--window plans for the worst bucket it covers', async () => {
    // bucket 11: us-east-1 tv 100, us-west-2 tv 500 -> rho tv = (100 + 0.8*500)/100 = 5
    const e = entry(await plan(writeWorld(), 120), 'tv-ui', 'us-east-1');
    expect(e.bucket).toBe(11);
    expect(e.weightedRatio).toBeCloseTo(5, 12);
    const still = entry(await plan(writeWorld(), 0), 'tv-ui', 'us-east-1');
    expect(still.bucket).toBe(10);
  });

  test('every healthy region gets an entry for every service; capacity missing is flagged', async () => {
    const p = await plan(writeWorld());
    expect(p.services.map((s) => `${s.service}@${s.region}`)).toEqual([
      'authz@eu-west-1',
      'authz@us-east-1',
      'drm-fairplay@eu-west-1',
      'drm-fairplay@us-east-1',
      'tv-ui@eu-west-1',
      'tv-ui@us-east-1',
    ]);
    const e = entry(p, 'drm-fairplay', 'eu-west-1');
    expect(e.flags).toContain('capacity-unknown');
    expect(e.targetMinCapacity).toBeNull();
  });

  test('refuses an unknown failed region or one without steering', async () => {
    const world = writeWorld();
    const config = unwrap(loadConfig(world.configDir));
    const source = new FilesSource(world.dataDir);
    await expect(planEvacuation({ config, source, failedRegion: 'ap-south-1', at: SMALL_WORLD_AT })).rejects.toThrow(
      /unknown region "ap-south-1": expected one of us-east-1, us-west-2, eu-west-1/,
    );
    await expect(planEvacuation({ config, source, failedRegion: 'us-east-1', at: SMALL_WORLD_AT })).rejects.toThrow(/steering has no entry for "us-east-1"/);
  });
});
