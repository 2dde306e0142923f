import { appendFileSync, copyFileSync, mkdtempSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, test } from 'vitest';
import { type Plan, PlanSchema } from '../../src/report/plan-schema.ts';
import { ROOT, runCli, spawnCli } from '../support/run-cli.ts';

// The shipped fixtures tell a story (fixtures/README.md); these tests hold the planner to it.
// 02:15 UTC is the bucket where us-east-1's traffic peaks when it absorbs us-west-2 (evac report).
const AT = '2026-11-23T02:15:00Z';
let plan: Plan;

const entry = (service: string, region: string) => {
  const e = plan.services.find((s) => s.service === service && s.region === region);
  if (!e) throw new Error(`no plan entry for ${service} in ${region}`);
  return e;
};

beforeAll(async () => {
  const r = await runCli(['plan', '--failed', 'us-west-2', '--at', AT, '--format', 'json']);
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  plan = PlanSchema.parse(JSON.parse(r.stdout));
});

describe('evac plan --failed us-west-2 on the fixtures', () => {
  test('plans every unit in every healthy region', () => {
    expect(plan.healthyRegions.map((h) => h.region)).toEqual(['us-east-1', 'eu-west-1', 'sa-east-1']);
    const units = new Set(plan.services.map((s) => s.service));
    expect(units.size).toBe(27);
    expect(plan.services).toHaveLength(27 * 3);
    expect(units).toContain('edge-gateway/api');
    expect(units).toContain('edge-gateway/playback');
  });

  test('history ends at the last traffic sample and the bucket is the one of --at', () => {
    expect(plan.dataEnd).toBe('2026-11-23T02:15:00.000Z');
    expect(plan.bucket).toBe(9);
  });

  test('single-platform services scale with their platform, not with total traffic', () => {
    const fairplay = entry('drm-fairplay', 'us-east-1');
    expect(fairplay.deviceContributions.map((c) => c.deviceType)).toEqual(['ios']);
    const tv = entry('tv-ui-gateway', 'us-east-1');
    expect(new Set(tv.deviceContributions.map((c) => c.deviceType))).toEqual(new Set(['tv', 'settop']));
    // a device-agnostic service stays close to the uniform ratio
    expect(Math.abs(entry('playback-authz', 'us-east-1').uniformError)).toBeLessThan(0.05);
  });

  test('the tight TV gateway in us-east-1 exceeds its max', () => {
    const tv = entry('tv-ui-gateway', 'us-east-1');
    // Its 40 tasks were observed at 01:15 UTC (capacity.csv timestamp): carried to 02:15 by the demand ratio.
    expect(tv.flags).toEqual(expect.arrayContaining(['capacity-rescaled', 'exceeds-max']));
    expect(tv.targetMinCapacity).toBe(tv.maxCapacity);
    expect(tv.requiredCapacity).toBeGreaterThan(tv.maxCapacity ?? Number.POSITIVE_INFINITY);
  });

  test('the low-traffic service pools buckets; the unconfigured one is flagged', () => {
    expect(entry('parental-controls', 'us-east-1').flags).toContain('pooled-buckets');
    expect(entry('legacy-bookmarks', 'us-east-1').flags).toEqual(expect.arrayContaining(['default-config', 'no-scalable-target']));
  });

  test('traceName maps reco-api traces to recommendations', () => {
    const reco = entry('recommendations', 'us-east-1');
    expect(reco.traceSamples).toBeGreaterThan(100);
    expect(reco.flags).not.toContain('no-traces');
  });

  test("a region with no steered traffic keeps ratio 1 and exactly today's capacity (not-receiving)", () => {
    const e = entry('drm-fairplay', 'sa-east-1');
    expect(e.steeringWeight).toBe(0);
    expect(e.weightedRatio).toBe(1);
    for (const s of plan.services.filter((x) => x.region === 'sa-east-1')) {
      expect(s.flags).toContain('not-receiving');
      expect([s.requiredCapacity, s.targetMinCapacity, s.targetMaxCapacity]).toEqual([s.currentCapacity, s.minCapacity, s.maxCapacity]);
    }
  });

  test("capacity never goes below today's min and the interval holds the ratio", () => {
    for (const e of plan.services) {
      if (e.targetMinCapacity !== null) expect(e.targetMinCapacity).toBeGreaterThanOrEqual(e.minCapacity ?? 0);
      expect(e.ci95[0]).toBeLessThanOrEqual(e.weightedRatio + 1e-12);
      expect(e.ci95[1]).toBeGreaterThanOrEqual(e.weightedRatio - 1e-12);
    }
  });
});

describe('the README command', () => {
  test('npm run -s evac -- plan --failed us-west-2 --at 2026-11-23T02:15:00Z prints a table with the uniform comparison', () => {
    const r = spawnCli(['plan', '--failed', 'us-west-2', '--at', AT]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Evacuation of us-west-2 at /);
    expect(r.stdout).toMatch(/tv-ui-gateway\s+us-east-1/);
    expect(r.stdout).toContain('exceeds-max: the required capacity is above MaxCapacity');
  });
});

describe('the fixtures with data that cannot support a plan (issue 7 reproductions)', () => {
  test('one traffic row dated 2031 does not make the readiness gate pass', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'evac-fixtures-'));
    for (const f of ['capacity.csv', 'evacuations.csv', 'service-demand.csv', 'trace-samples.csv'])
      symlinkSync(path.join(ROOT, 'fixtures', f), path.join(dir, f));
    copyFileSync(path.join(ROOT, 'fixtures/device-traffic.csv'), path.join(dir, 'device-traffic.csv'));
    appendFileSync(path.join(dir, 'device-traffic.csv'), '2031-01-01T00:00:00Z,us-east-1,tv,100\n');
    const r = await runCli(['report', '--data', dir, '--out-dir', path.join(dir, 'out')]);
    expect(r.code).toBe(3);
    expect(r.stdout).not.toContain('Ready');
    expect(r.stderr).toContain('warning: 1 traffic sample is dated more than a day after now');
  });

  test('a plan for a time long before the data is refused, not all ratios 1', async () => {
    const r = await runCli(['plan', '--failed', 'us-west-2', '--at', '2020-01-01T00:00:00Z']);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('refusing to plan: no traffic history: us-west-2 (the failed region) has no traffic sample in bucket 00:00 UTC');
  });
});
