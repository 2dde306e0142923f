import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { type Plan, PlanSchema } from '../../src/report/plan-schema.ts';
import type { Report } from '../../src/report/report-schema.ts';
import { runEvac } from '../aws/support.ts';
import { runCli } from '../support/run-cli.ts';
import { SMALL_WORLD, type World, writeWorld } from '../support/small-world.ts';

// The small world's data ends 2026-11-23T10:30Z; runCli's clock is 2026-11-23T18:00Z.
const AT = '2026-11-23T10:30:00Z';
const NOW = Date.parse('2026-11-23T18:00:00Z') / 1000;
const dirs = (w: World) => ['--config', w.configDir, '--data', w.dataDir];
const planJson = (w: World, ...extra: string[]) => runCli(['plan', '--failed', 'us-west-2', ...dirs(w), '--format', 'json', ...extra]);
const entry = (p: Plan, service: string, region: string) => {
  const e = p.services.find((s) => s.service === service && s.region === region);
  if (!e) throw new Error(`no entry ${service} in ${region}`);
  return e;
};
const withTraffic = (...rows: string[]) => ({ 'data/device-traffic.csv': `${SMALL_WORLD['data/device-traffic.csv']}${rows.join('\n')}\n` });
const withTraces = (...rows: string[]) => ({ 'data/trace-samples.csv': `${SMALL_WORLD['data/trace-samples.csv']}${rows.join('\n')}\n` });

describe('no-history: a bucket without traffic samples is not "ratio 1"', () => {
  test('plan refuses a time the data does not cover (exit 2), naming the regions and the window', async () => {
    const r = await planJson(writeWorld(), '--at', '2020-01-01T00:00:00Z');
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('refusing to plan: no traffic history: us-west-2 (the failed region) has no traffic sample in bucket 00:00 UTC; us-east-1');
    expect(r.stderr).toContain('eu-west-1 has no traffic sample in bucket 00:00 UTC');
    expect(r.stderr).toContain('in the lookback window (2019-12-30T00:00:00.000Z, 2020-01-01T00:00:00.000Z]');
    expect(r.stderr).toContain('--allow-partial-history');
  });

  test('plan refuses a bucket where only one receiving region has no sample, and names only it', async () => {
    const r = await planJson(writeWorld(), '--at', '2026-11-23T11:30:00Z');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('no traffic history: eu-west-1 has no traffic sample in bucket 11:00 UTC,');
    expect(r.stderr).not.toContain('us-west-2 (the failed region) has no');
  });

  test('a window with one bucket without history is refused although its worst bucket has history', async () => {
    const r = await planJson(writeWorld(), '--at', AT, '--window', '90');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('eu-west-1 has no traffic sample in bucket 11:00 UTC');
  });

  test('--allow-partial-history plans, flags the entries no-history and says so on stderr', async () => {
    const r = await planJson(writeWorld(), '--at', '2020-01-01T00:00:00Z', '--allow-partial-history');
    expect(r.code, r.stderr).toBe(0);
    const plan = PlanSchema.parse(JSON.parse(r.stdout));
    expect(plan.services.length).toBeGreaterThan(0);
    expect(plan.services.every((e) => e.flags.includes('no-history'))).toBe(true);
    expect(plan.warnings).toEqual([expect.stringContaining('entries are flagged no-history')]);
    expect(r.stderr).toContain('warning: no traffic history: us-west-2 (the failed region)');
  });

  test('a failed region without history in the bucket is no-history even when the healthy one has traffic', async () => {
    // us-west-2 has no sample at 10:00 once its rows are gone; us-east-1 still has.
    const traffic = SMALL_WORLD['data/device-traffic.csv']
      .split('\n')
      .filter((l) => !l.includes('us-west-2'))
      .join('\n');
    const r = await planJson(writeWorld({ 'data/device-traffic.csv': traffic }), '--at', AT, '--allow-partial-history');
    expect(r.code, r.stderr).toBe(0);
    const plan = PlanSchema.parse(JSON.parse(r.stdout));
    expect(entry(plan, 'authz', 'us-east-1').flags).toContain('no-history');
    expect(entry(plan, 'authz', 'us-east-1').flags).not.toContain('no-regional-traffic');
  });

  test('a past evacuation that covers the window is named as why the history is empty', async () => {
    const r = await planJson(
      writeWorld({ 'data/evacuations.csv': 'start,end,failed_region\n2026-11-20T00:00:00Z,2026-11-24T00:00:00Z,us-west-2\n' }),
      '--at',
      AT,
    );
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('(1 past evacuation overlaps it: samples inside are left out as not nominal)');
  });

  test('report fails the gate on no-history by default', async () => {
    const r = await runCli(['report', ...dirs(writeWorld()), '--all-buckets', '--format', 'json']);
    expect(r.code).toBe(3);
    const report = JSON.parse(r.stdout) as Report;
    expect(report.gate.failOn).toEqual(['exceeds-max', 'no-history', 'unbounded-ratio', 'zero-capacity']);
    expect(report.scenarios[0]?.failures.filter((f) => f.flags.includes('no-history')).length).toBeGreaterThan(0);
  });
});

describe('future timestamps and stale data', () => {
  test('validate rejects a sample dated after now + 1 day, naming file and line', async () => {
    const w = writeWorld(withTraffic('2031-01-01T00:00:00Z,us-east-1,tv,100'));
    const r = await runCli(['validate', ...dirs(w)]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(
      `${w.dataDir}/device-traffic.csv:16: column "timestamp": 2031-01-01T00:00:00.000Z is after now + 1 day (2026-11-24T18:00:00.000Z)`,
    );
  });

  test('validate accepts a sample less than a day ahead of the clock (clock skew)', async () => {
    const w = writeWorld(withTraffic('2026-11-24T10:00:00Z,us-east-1,tv,100'));
    expect((await runCli(['validate', ...dirs(w)])).code).toBe(0);
  });

  test('validate rejects a trace in the future too (epoch seconds of 2100)', async () => {
    const w = writeWorld(withTraces('4102444800,us-east-1,authz,tv,1'));
    const r = await runCli(['validate', ...dirs(w)]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('trace-samples.csv:9: column "timestamp": 2100-01-01T00:00:00.000Z is after now + 1 day');
  });

  test('a traffic sample dated in the future does not move the report to its date', async () => {
    const plain = await runCli(['report', ...dirs(writeWorld()), '--format', 'json']);
    const future = await runCli(['report', ...dirs(writeWorld(withTraffic('2031-01-01T00:00:00Z,us-east-1,tv,100'))), '--format', 'json']);
    expect(future.code).toBe(plain.code);
    const a = JSON.parse(plain.stdout) as Report;
    const b = JSON.parse(future.stdout) as Report;
    expect(b.dataEnd).toBe('2026-11-23T10:30:00.000Z');
    const ratios = (r: Report) =>
      r.scenarios.flatMap((s) => s.plans.flatMap((p) => p.services.map((e) => [e.service, e.region, e.weightedRatio, e.targetMinCapacity])));
    expect(ratios(b)).toEqual(ratios(a));
    expect(b.warnings).toEqual([expect.stringContaining('1 traffic sample is dated more than a day after now')]);
    const markdown = await runCli(['report', ...dirs(writeWorld(withTraffic('2031-01-01T00:00:00Z,us-east-1,tv,100')))]);
    expect(markdown.stdout).toContain('> **Warning:** 1 traffic sample is dated more than a day after now');
    expect(future.stderr).toContain('warning: 1 traffic sample is dated more than a day after now');
  });

  test('plan ignores a traffic sample dated in the future and warns about it', async () => {
    const r = await planJson(writeWorld(withTraffic('2031-01-01T00:00:00Z,us-east-1,tv,100')), '--at', AT);
    expect(r.code, r.stderr).toBe(0);
    const plan = PlanSchema.parse(JSON.parse(r.stdout));
    expect(plan.dataEnd).toBe('2026-11-23T10:30:00.000Z');
    expect(r.stderr).toContain('warning: 1 traffic sample is dated more than a day after now');
  });

  test('plan warns and flags stale-data when the data ends more than 2 days before --at', async () => {
    const r = await planJson(writeWorld(), '--at', '2026-11-27T10:30:00Z');
    expect(r.code, r.stderr).toBe(0);
    const plan = PlanSchema.parse(JSON.parse(r.stdout));
    expect(plan.services.every((e) => e.flags.includes('stale-data'))).toBe(true);
    expect(r.stderr).toContain('warning: the traffic data ends at 2026-11-23T10:30:00.000Z, 4.0 days before the time planned for (2026-11-27T10:30:00.000Z)');
    const table = await runCli(['plan', '--failed', 'us-west-2', ...dirs(writeWorld()), '--at', '2026-11-27T10:30:00Z']);
    expect(table.stdout).toContain('! warning: the traffic data ends at 2026-11-23T10:30:00.000Z');
    expect(table.stderr).toBe('');
  });

  test('--stale-days moves the threshold (plan and report)', async () => {
    const plan = await planJson(writeWorld(), '--at', '2026-11-27T10:30:00Z', '--stale-days', '5');
    expect(PlanSchema.parse(JSON.parse(plan.stdout)).warnings).toEqual([]);
    const strict = await planJson(writeWorld(), '--at', '2026-11-24T10:30:00Z', '--stale-days', '0');
    expect(PlanSchema.parse(JSON.parse(strict.stdout)).services.every((e) => e.flags.includes('stale-data'))).toBe(true);
    const report = await runEvac(['report', ...dirs(writeWorld()), '--format', 'json', '--stale-days', '7'], NOW + 3 * 86_400);
    expect((JSON.parse(report.stdout) as Report).warnings).toEqual([]);
  });

  test('plan does not flag stale-data for data that ends less than 2 days before --at', async () => {
    const r = await planJson(writeWorld(), '--at', '2026-11-24T10:30:00Z');
    expect(r.code, r.stderr).toBe(0);
    const plan = PlanSchema.parse(JSON.parse(r.stdout));
    expect(plan.services.some((e) => e.flags.includes('stale-data'))).toBe(false);
    expect(plan.warnings).toEqual([]);
  });

  test('report warns and flags stale-data when the data ends more than 2 days before now', async () => {
    const w = writeWorld();
    const r = await runEvac(['report', ...dirs(w), '--format', 'json'], NOW + 3 * 86_400);
    const report = JSON.parse(r.stdout) as Report;
    expect(report.warnings).toEqual([expect.stringContaining('days before now: every entry is flagged stale-data')]);
    expect(report.scenarios.flatMap((s) => s.plans.flatMap((p) => p.services)).every((e) => e.flags.includes('stale-data'))).toBe(true);
    expect(r.stderr).toContain('warning: the traffic data ends at 2026-11-23T10:30:00.000Z, 3.3 days before now');
  });
});

describe('not-receiving: a healthy region steered nothing is inert', () => {
  const config = SMALL_WORLD['config/evacuation.yaml'].replace('{us-east-1: 0.8, eu-west-1: 0.2}', '{us-east-1: 0.8, eu-west-1: 0}');

  test("its entries keep today's capacity, carry not-receiving and never exceeds-max; ratios are still reported", async () => {
    // eu-west-1 authz: current 10, min 10, max 20; it would need more than 20 with any headroom over a big ratio.
    const r = await planJson(writeWorld({ 'config/evacuation.yaml': config }), '--at', AT);
    expect(r.code, r.stderr).toBe(0);
    const plan = PlanSchema.parse(JSON.parse(r.stdout));
    const e = entry(plan, 'authz', 'eu-west-1');
    expect(e).toMatchObject({
      steeringWeight: 0,
      weightedRatio: 1,
      currentCapacity: 10,
      requiredCapacity: 10,
      uniformRequiredCapacity: 10,
      targetMinCapacity: 10,
      targetMaxCapacity: 20,
    });
    expect(e.flags).toContain('not-receiving');
    expect(e.flags).not.toContain('exceeds-max');
    expect(e.flags).not.toContain('no-history');
    expect(entry(plan, 'authz', 'us-east-1').flags).not.toContain('not-receiving');
  });

  test('a region without steering and with a high current capacity is not raised to current x headroom', async () => {
    const capacity = `${SMALL_WORLD['data/capacity.csv']}eu-west-1,drm-fairplay,17,17,40\n`;
    const r = await planJson(writeWorld({ 'config/evacuation.yaml': config, 'data/capacity.csv': capacity }), '--at', AT);
    const e = entry(PlanSchema.parse(JSON.parse(r.stdout)), 'drm-fairplay', 'eu-west-1');
    expect([e.requiredCapacity, e.targetMinCapacity, e.targetMaxCapacity]).toEqual([17, 17, 40]);
  });
});

describe('edited plans: apply acts only on the plan that was reviewed', () => {
  async function savedPlan(): Promise<{ file: string; plan: Record<string, unknown> & { services: Record<string, unknown>[] } }> {
    const w = writeWorld();
    const file = path.join(w.root, 'plan.json');
    const r = await runCli(['plan', '--failed', 'us-west-2', ...dirs(w), '--at', AT, '--out', file]);
    expect(r.code, r.stderr).toBe(0);
    return { file, plan: JSON.parse(readFileSync(file, 'utf8')) };
  }
  // No call is made before the plan file is checked; the endpoint is closed all the same.
  const apply = (file: string) =>
    runCli([
      'apply',
      file,
      '--yes',
      '--dry-run',
      '--endpoint-url',
      'http://127.0.0.1:9',
      '--max-attempts',
      '1',
      '--state-dir',
      path.join(path.dirname(file), 'state'),
    ]);

  test('a raised targetMinCapacity is refused (exit 4): the plan was edited', async () => {
    const { file, plan } = await savedPlan();
    const target = plan.services.find((e) => e.service === 'authz' && e.region === 'us-east-1') as Record<string, unknown>;
    expect(target.targetMinCapacity).toBe(20);
    target.targetMinCapacity = 120;
    writeFileSync(file, JSON.stringify(plan));
    const r = await apply(file);
    expect(r.code).toBe(4);
    expect(r.stderr).toContain('the plan was edited after it was planned');
  });

  test('a flipped allowMaxIncrease is refused as well', async () => {
    const { file, plan } = await savedPlan();
    const target = plan.services.find((e) => e.service === 'authz' && e.region === 'us-east-1') as { scalableTarget: { allowMaxIncrease: boolean } };
    target.scalableTarget.allowMaxIncrease = true;
    writeFileSync(file, JSON.stringify(plan));
    expect((await apply(file)).code).toBe(4);
  });

  test('an unknown key is refused (exit 2), naming it', async () => {
    const { file, plan } = await savedPlan();
    (plan.services[0] as Record<string, unknown>).targetMinCapacty = 5;
    writeFileSync(file, JSON.stringify(plan));
    const r = await apply(file);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('is not an evac plan');
    expect(r.stderr).toContain('targetMinCapacty');
  });
});

describe('extreme numbers are rejected at input or computed robustly', () => {
  test.each([
    ['traffic above 1e15', withTraffic('2026-11-22T10:05:00Z,us-east-1,tv,1e308'), 'device-traffic.csv:16: column "value": "1e308" is above 1e+15'],
    ['subnormal traffic', withTraffic('2026-11-22T10:05:00Z,us-east-1,tv,5e-324'), 'device-traffic.csv:16: column "value": "5e-324" is below 1e-9'],
    ['a trace count above 1e15', withTraces('2026-11-23T10:05:00Z,us-east-1,authz,tv,1e308'), 'trace-samples.csv:9: column "count": "1e308" is above 1e+15'],
    [
      'a capacity above 1e15',
      { 'data/capacity.csv': `${SMALL_WORLD['data/capacity.csv']}us-east-1,big,1e16,1,2\n` },
      'capacity.csv:6: column "current_capacity": "1e16" is above 1e+15',
    ],
  ])('%s: plan and validate exit 2 naming file, line, column and the bound', async (_name, change, message) => {
    const w = writeWorld(change);
    const plan = await planJson(w, '--at', AT);
    expect(plan.code).toBe(2);
    expect(plan.stdout).toBe('');
    expect(plan.stderr).toContain(message);
    const validate = await runCli(['validate', ...dirs(w)]);
    expect(validate.code).toBe(2);
    expect(validate.stderr).toContain(message);
  });

  test('values at the bounds give a finite plan that satisfies its schema', async () => {
    const w = writeWorld(withTraffic('2026-11-22T10:05:00Z,us-west-2,ios,1e15', '2026-11-22T10:06:00Z,eu-west-1,ios,1e-9'));
    const r = await planJson(w, '--at', AT);
    expect(r.code, r.stderr).toBe(0);
    expect(PlanSchema.safeParse(JSON.parse(r.stdout)).success).toBe(true);
  });

  test('fractional trace counts give an interval within the device ratios (never negative)', async () => {
    const traces = 'timestamp,region,service,device_type,count\n2026-11-23T10:05:00Z,us-east-1,authz,tv,0.03\n2026-11-23T10:05:00Z,us-east-1,authz,ios,0.01\n';
    const r = await planJson(writeWorld({ 'data/trace-samples.csv': traces }), '--at', AT);
    expect(r.code, r.stderr).toBe(0);
    const e = entry(PlanSchema.parse(JSON.parse(r.stdout)), 'authz', 'us-east-1');
    const rhos = e.deviceContributions.map((c) => c.ratio);
    expect(e.ci95[0]).toBeGreaterThanOrEqual(Math.min(...rhos));
    expect(e.ci95[1]).toBeLessThanOrEqual(Math.max(...rhos));
    expect(e.ci95[0]).toBeLessThanOrEqual(e.weightedRatio);
  });
});

describe('unbounded-ratio: a receiving region with traffic samples of 0 is not "ratio 1"', () => {
  // eu-west-1's only sample at 10:00 becomes 0; us-west-2 sends it 20% of tv 50 + ios 100 there.
  const zeroEu = (extra = '') => ({
    'data/device-traffic.csv':
      SMALL_WORLD['data/device-traffic.csv'].replace('2026-11-22T10:00:00Z,eu-west-1,tv,200', '2026-11-22T10:00:00Z,eu-west-1,tv,0') + extra,
  });

  test('plan refuses it (exit 2), naming the region, its share and the bucket', async () => {
    const r = await planJson(writeWorld(zeroEu()), '--at', AT);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain(
      'refusing to plan: zero baseline: eu-west-1 (steered 20% of us-west-2) has traffic samples of 0 only in bucket 10:00 UTC, while us-west-2 sends traffic there: their evacuation ratios are unbounded, not 1',
    );
    expect(r.stderr).toContain('--allow-partial-history to plan with these entries flagged unbounded-ratio');
  });

  test('--allow-partial-history plans, flags only that region and warns', async () => {
    const r = await planJson(writeWorld(zeroEu()), '--at', AT, '--allow-partial-history');
    expect(r.code, r.stderr).toBe(0);
    const plan = PlanSchema.parse(JSON.parse(r.stdout));
    expect(entry(plan, 'authz', 'eu-west-1').flags).toEqual(expect.arrayContaining(['unbounded-ratio', 'no-regional-traffic']));
    expect(entry(plan, 'authz', 'us-east-1').flags).not.toContain('unbounded-ratio');
    expect(plan.warnings).toEqual([expect.stringContaining('entries are flagged unbounded-ratio')]);
    expect(r.stderr).toContain('warning: zero baseline: eu-west-1');
    const table = await runCli(['plan', '--failed', 'us-west-2', ...dirs(writeWorld(zeroEu())), '--at', AT, '--allow-partial-history']);
    expect(table.stdout).toContain('unbounded-ratio: the healthy region is steered traffic but its traffic samples in the bucket are all 0');
  });

  test('a region steered nothing stays inert: no refusal, no unbounded-ratio', async () => {
    const config = SMALL_WORLD['config/evacuation.yaml'].replace('{us-east-1: 0.8, eu-west-1: 0.2}', '{us-east-1: 0.8, eu-west-1: 0}');
    const r = await planJson(writeWorld({ ...zeroEu(), 'config/evacuation.yaml': config }), '--at', AT);
    expect(r.code, r.stderr).toBe(0);
    const e = entry(PlanSchema.parse(JSON.parse(r.stdout)), 'authz', 'eu-west-1');
    expect(e.flags).toContain('not-receiving');
    expect(e.flags).not.toContain('unbounded-ratio');
  });

  test('when the failed region sends 0 too, nothing moves: ratio 1, no-regional-traffic, no refusal', async () => {
    const traffic = zeroEu()['data/device-traffic.csv'].replace(/(2026-11-2\dT10:00:00Z,us-west-2,\w+,)\d+/g, '$10');
    const r = await planJson(writeWorld({ 'data/device-traffic.csv': traffic }), '--at', AT);
    expect(r.code, r.stderr).toBe(0);
    const e = entry(PlanSchema.parse(JSON.parse(r.stdout)), 'authz', 'eu-west-1');
    expect(e.weightedRatio).toBe(1);
    expect(e.flags).toContain('no-regional-traffic');
    expect(e.flags).not.toContain('unbounded-ratio');
  });

  test('report fails the gate on unbounded-ratio by default', async () => {
    // A 0 at 11:00 too: eu-west-1's peak bucket is 11:00, where us-west-2 sends tv 500.
    const r = await runCli(['report', ...dirs(writeWorld(zeroEu('2026-11-22T11:00:00Z,eu-west-1,tv,0\n'))), '--format', 'json']);
    expect(r.code).toBe(3);
    const report = JSON.parse(r.stdout) as Report;
    const failures = report.scenarios[0]?.failures ?? [];
    expect(failures.filter((f) => f.region === 'eu-west-1').every((f) => f.flags.includes('unbounded-ratio'))).toBe(true);
    expect(failures.some((f) => f.flags.includes('unbounded-ratio'))).toBe(true);
  });
});

describe('device-ratio-fallback is loud: explained in the plan, low confidence in the report', () => {
  // eu-west-1 has tv traffic only; half its authz traces are ios.
  const traces = {
    'data/trace-samples.csv': `${SMALL_WORLD['data/trace-samples.csv']}2026-11-23T10:00:00Z,eu-west-1,authz,tv,50\n2026-11-23T10:00:00Z,eu-west-1,authz,ios,50\n`,
  };

  test('the table and the Markdown explain the flag and count the entry as low-confidence', async () => {
    const w = writeWorld(traces);
    const table = await runCli(['plan', '--failed', 'us-west-2', ...dirs(w), '--at', AT]);
    expect(table.code, table.stderr).toBe(0);
    expect(table.stdout).toContain('device-ratio-fallback: a device type with traces has no traffic (none or 0) in the healthy region');
    const markdown = await runCli(['plan', '--failed', 'us-west-2', ...dirs(w), '--at', AT, '--format', 'markdown']);
    expect(markdown.stdout).toContain('- `device-ratio-fallback`: a device type with traces has no traffic');
    expect(markdown.stdout).toMatch(/- \d+ low-confidence \(few or pooled traces, or a device-ratio-fallback\)/);
  });

  test('the report lists it among the low-confidence ratios', async () => {
    const r = await runCli(['report', ...dirs(writeWorld(traces)), '--format', 'json']);
    const report = JSON.parse(r.stdout) as Report;
    const low = report.scenarios[0]?.lowConfidence.find((l) => l.service === 'authz' && l.region === 'eu-west-1');
    expect(low?.reasons).toContain('device-ratio-fallback');
  });
});

describe('calendar dates (impossible ones: test/safety/bad-input.test.ts)', () => {
  test('29 February of a leap year is a date', async () => {
    const r = await planJson(writeWorld(), '--at', '2028-02-29T10:30:00Z', '--allow-partial-history');
    expect(r.code, r.stderr).toBe(0);
    expect(PlanSchema.parse(JSON.parse(r.stdout)).at).toBe('2028-02-29T10:30:00.000Z');
  });
});

describe('capacity edge cases', () => {
  const capacity = (row: string) => ({ 'data/capacity.csv': SMALL_WORLD['data/capacity.csv'].replace('us-east-1,authz,10,5,100', row) });

  test('a receiving service at current capacity 0 is zero-capacity: nothing planned, not "required 0"', async () => {
    const r = await planJson(writeWorld(capacity('us-east-1,authz,0,5,100')), '--at', AT);
    expect(r.code, r.stderr).toBe(0);
    const e = entry(PlanSchema.parse(JSON.parse(r.stdout)), 'authz', 'us-east-1');
    expect(e.flags).toContain('zero-capacity');
    expect([e.requiredCapacity, e.uniformRequiredCapacity, e.targetMinCapacity, e.targetMaxCapacity]).toEqual([null, null, null, null]);
    const table = await runCli(['plan', '--failed', 'us-west-2', ...dirs(writeWorld(capacity('us-east-1,authz,0,5,100'))), '--at', AT]);
    expect(table.stdout).toContain('zero-capacity: current capacity is 0 in a region that receives traffic');
  });

  test('the report gate fails on zero-capacity by default', async () => {
    const r = await runCli(['report', ...dirs(writeWorld(capacity('us-east-1,authz,0,5,100'))), '--format', 'json']);
    expect(r.code).toBe(3);
    const failures = (JSON.parse(r.stdout) as Report).scenarios[0]?.failures ?? [];
    expect(failures.filter((f) => f.service === 'authz').map((f) => [f.region, f.flags])).toEqual([['us-east-1', ['zero-capacity']]]);
  });

  test('a region steered nothing at current capacity 0 stays inert, unflagged', async () => {
    const config = SMALL_WORLD['config/evacuation.yaml'].replace('{us-east-1: 0.8, eu-west-1: 0.2}', '{us-east-1: 0.8, eu-west-1: 0}');
    const change = {
      'config/evacuation.yaml': config,
      'data/capacity.csv': SMALL_WORLD['data/capacity.csv'].replace('eu-west-1,authz,10,10,20', 'eu-west-1,authz,0,0,20'),
    };
    const e = entry(PlanSchema.parse(JSON.parse((await planJson(writeWorld(change), '--at', AT)).stdout)), 'authz', 'eu-west-1');
    expect([e.requiredCapacity, e.targetMinCapacity, e.targetMaxCapacity]).toEqual([0, 0, 20]);
    expect(e.flags).not.toContain('zero-capacity');
  });

  test('MaxCapacity 0 caps the target at 0 and is exceeds-max, loudly', async () => {
    const r = await planJson(writeWorld(capacity('us-east-1,authz,10,0,0')), '--at', AT);
    const e = entry(PlanSchema.parse(JSON.parse(r.stdout)), 'authz', 'us-east-1');
    expect([e.targetMinCapacity, e.targetMaxCapacity]).toEqual([0, 0]);
    expect(e.requiredCapacity).toBeGreaterThan(0);
    expect(e.flags).toContain('exceeds-max');
  });
});
