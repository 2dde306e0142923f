import { describe, expect, test } from 'vitest';
import { loadConfig } from '../../src/config/load-config.ts';
import { unwrap } from '../../src/errors.ts';
import { type Report, ReportSchema } from '../../src/report/report-schema.ts';
import { scenarioEntries } from '../../src/report/report-view.ts';
import { buildReport, type ReportOptions } from '../../src/services/report.ts';
import type { DataSource, LoadRequest } from '../../src/sources/data-source.ts';
import { FilesSource } from '../../src/sources/files-source.ts';
import { MemoSource } from '../../src/sources/memo-source.ts';
import { type World, writeWorld } from '../support/small-world.ts';

const NOW = Date.parse('2026-11-23T18:00:00Z') / 1000;

/** A files source that counts its loads. */
function countingSource(dir: string): DataSource & { loads: LoadRequest[] } {
  const inner = new FilesSource(dir);
  const loads: LoadRequest[] = [];
  return {
    loads,
    load(request) {
      loads.push(request);
      return inner.load(request);
    },
  };
}

async function report(world: World, options: Partial<ReportOptions> = {}): Promise<{ report: Report; loads: number }> {
  const source = countingSource(world.dataDir);
  const r = await buildReport({ config: unwrap(loadConfig(world.configDir)), source, now: NOW, ...options });
  return { report: r, loads: source.loads.length };
}

const entry = (r: Report, failed: string, service: string, region: string) => {
  const s = r.scenarios.find((x) => x.failedRegion === failed);
  const e = s && scenarioEntries(s).find((x) => x.service === service && x.region === region);
  if (!e) throw new Error(`no entry ${failed} ${service} ${region}`);
  return e;
};

// The small world (test/support/small-world.ts), lookback (2026-11-21T10:30, 2026-11-23T10:30]:
// bucket 10: us-east-1 tv 110 + ios 60, us-west-2 tv 50 + ios 100, eu-west-1 tv 200
// bucket 11: us-east-1 tv 100, us-west-2 tv 500; no other bucket has traffic.
// us-east-1 (w 0.8): P[10] = 170 + 0.8*150 = 290, P[11] = 100 + 0.8*500 = 500 -> peak 11
// eu-west-1 (w 0.2): P[10] = 200 + 0.2*150 = 230, P[11] = 0 + 0.2*500 = 100 -> peak 10
describe('buildReport on the small world', () => {
  test('plans each receiving region at the peak bucket of its post-evacuation traffic', async () => {
    const { report: r } = await report(writeWorld());
    expect(ReportSchema.parse(r)).toBeTruthy();
    expect(r.dataEnd).toBe('2026-11-23T10:30:00.000Z');
    const [s] = r.scenarios;
    expect(r.scenarios).toHaveLength(1);
    expect(s?.receivingRegions).toEqual([
      { region: 'us-east-1', steeringWeight: 0.8, peakBucket: 11, peakTraffic: 500 },
      { region: 'eu-west-1', steeringWeight: 0.2, peakBucket: 10, peakTraffic: expect.closeTo(230, 9) },
    ]);
    // one plan per distinct peak bucket, at the last second of it on the data's last day
    expect(s?.plans.map((p) => [p.at, p.services.map((e) => e.region)])).toEqual([
      ['2026-11-23T11:59:59.000Z', ['us-east-1', 'us-east-1', 'us-east-1']],
      ['2026-11-23T10:59:59.000Z', ['eu-west-1', 'eu-west-1', 'eu-west-1']],
    ]);
  });

  test('drm-fairplay cannot absorb the loss of us-west-2 in us-east-1 at its peak', async () => {
    const { report: r } = await report(writeWorld());
    // bucket 11: ios has no us-east-1 traffic -> uniform (100 + 0.8*500)/100 = 5; ceil(6 * 5 * 1.1) = 33 > 12
    const e = entry(r, 'us-west-2', 'drm-fairplay', 'us-east-1');
    expect(e.bucket).toBe(11);
    expect(e.weightedRatio).toBeCloseTo(5, 12);
    expect(e.requiredCapacity).toBe(33);
    expect(r.ready).toBe(false);
    expect(r.scenarios[0]?.failures.map((f) => [f.service, f.region, f.shortfall])).toEqual([
      ['drm-fairplay', 'us-east-1', 21],
      ['tv-ui', 'us-east-1', 11], // ceil(11 * 5 * 1.1) = 61 > 50
    ]);
    expect(r.scenarios[0]?.reason).toBe(
      '2 of 6 service-regions fail the gate: exceeds-max 2 (drm-fairplay in us-east-1 short by 21, tv-ui in us-east-1 short by 11)',
    );
    // eu-west-1 at bucket 10 is the plan of test/services/plan.test.ts
    expect(entry(r, 'us-west-2', 'authz', 'eu-west-1').requiredCapacity).toBe(14);
  });

  test('loads the data once for every scenario and plan', async () => {
    const { report: r, loads } = await report(writeWorld());
    expect(r.scenarios[0]?.plans).toHaveLength(2);
    expect(loads).toBe(1);
  });

  test('--all-buckets plans each entry at its own worst bucket', async () => {
    const { report: r } = await report(writeWorld(), { allBuckets: true });
    expect(r.mode).toBe('all-buckets');
    expect(r.scenarios[0]?.receivingRegions.map((x) => x.peakBucket)).toEqual([null, null]);
    expect(r.scenarios[0]?.plans).toHaveLength(1);
    expect(r.scenarios[0]?.plans[0]?.windowMinutes).toBe(1440);
    expect(entry(r, 'us-west-2', 'tv-ui', 'us-east-1').bucket).toBe(11);
  });

  test('a region steered nothing is idle, not planned', async () => {
    const world = writeWorld({
      'config/evacuation.yaml': `regions: [us-east-1, us-west-2, eu-west-1]
bucketMinutes: 60
lookbackDays: 2
steering:
  us-west-2: {us-east-1: 1, eu-west-1: 0}
defaults: {headroom: 0.1, minTraceSamples: 10}
`,
    });
    const { report: r } = await report(world);
    expect(r.scenarios[0]?.idleRegions).toEqual(['eu-west-1']);
    expect(r.scenarios[0]?.plans.flatMap((p) => p.services.map((e) => e.region))).not.toContain('eu-west-1');
  });

  test('refuses a failed region without steering, naming the ones that have it', async () => {
    await expect(report(writeWorld(), { failedRegions: ['us-east-1'] })).rejects.toThrow(
      '--failed us-east-1: expected regions with a steering entry: us-west-2',
    );
  });
});

describe('MemoSource', () => {
  test('asks its source once and answers every request with that result', async () => {
    const world = writeWorld();
    const inner = countingSource(world.dataDir);
    const memo = new MemoSource(inner);
    const config = unwrap(loadConfig(world.configDir));
    const a = await memo.load({ config, scopes: [], from: 0, to: NOW });
    const b = await memo.load({ config, scopes: [], from: 100, to: NOW - 1 });
    expect(b).toBe(a);
    expect(inner.loads).toHaveLength(1);
    expect(memo.requests).toBe(2);
  });
});
