import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { ApplyOutputSchema } from '../../src/report/apply-schema.ts';
import type { Plan } from '../../src/report/plan-schema.ts';
import { RestoreOutputSchema } from '../../src/report/restore-schema.ts';
import { StatusOutputSchema } from '../../src/report/status-schema.ts';
import { AuditEntrySchema } from '../../src/state/audit-log.ts';
import { SnapshotSchema } from '../../src/state/snapshot.ts';
import { type FaultProxy, startFaultProxy } from '../support/fault-proxy.ts';
import { freePort, type MotoServer, startMoto } from '../support/moto-server.ts';
import { seedMotoFromData } from '../support/seed-moto.ts';
import { AT, CAPACITY, writeSmallDataset } from '../support/small-dataset.ts';
import { reportRunning, runEvac, setTarget, setTestCredentials, targetsIn } from './support.ts';

const CONFIG_DIR = path.join(import.meta.dirname, 'fixtures/config');
const FAILED = 'us-west-2';
const HEALTHY = ['eu-west-1', 'us-east-1'];
const TARGETS = ['catalog', 'drm-fairplay', 'playback-authz'];

let moto: MotoServer;
let proxy: FaultProxy;
let work: string;
let dataDir: string;
let stateDir: string;
let planFile: string;

const seeded = (region: string) => Object.fromEntries(TARGETS.map((s) => [`service/prod-${region}/${s}`, `${CAPACITY[s]?.min}/${CAPACITY[s]?.max}`]));
const awsFlags = (endpoint = moto.url) => ['--config', CONFIG_DIR, '--traces', path.join(dataDir, 'trace-samples.csv'), '--endpoint-url', endpoint];
const planArgs = (endpoint = moto.url) => ['plan', '--source', 'aws', '--failed', FAILED, '--at', String(AT), ...awsFlags(endpoint), '--format', 'json'];
const applyArgs = (endpoint = moto.url) => ['apply', '--yes', '--state-dir', stateDir, '--endpoint-url', endpoint, '--config', CONFIG_DIR];
const readPlan = (file = planFile): Plan => JSON.parse(readFileSync(file, 'utf8')) as Plan;

/** What the plan says each target of a region should hold: `resourceId -> "min/max"`. */
function planned(plan: Plan, region: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const e of plan.services) {
    if (e.region === region && e.scalableTarget && e.targetMinCapacity !== null)
      out[e.scalableTarget.resourceId] = `${e.targetMinCapacity}/${e.targetMaxCapacity}`;
  }
  return out;
}

async function savePlan(endpoint = moto.url): Promise<Plan> {
  const run = await runEvac([...planArgs(endpoint), '--out', planFile], AT);
  expect(run.stderr).toContain(`wrote ${planFile}`);
  expect(run.code, run.stderr).toBe(0);
  return readPlan();
}

function auditLines() {
  const file = path.join(stateDir, 'audit.jsonl');
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .trim()
    .split('\n')
    .map((l) => AuditEntrySchema.parse(JSON.parse(l)));
}

beforeAll(async () => {
  setTestCredentials();
  moto = await startMoto();
  proxy = await startFaultProxy({ target: moto.url, seed: 11 });
  work = mkdtempSync(path.join(tmpdir(), 'evac-apply-'));
  dataDir = writeSmallDataset(path.join(work, 'data'));
});
afterAll(async () => {
  await proxy?.close();
  await moto?.stop();
  if (work) rmSync(work, { recursive: true, force: true });
});
beforeEach(async () => {
  await moto.reset();
  await seedMotoFromData({ endpoint: moto.url, configDir: CONFIG_DIR, dataDir, at: AT });
  stateDir = mkdtempSync(path.join(work, 'state-'));
  planFile = path.join(stateDir, 'plan.json');
  proxy.setRules([]);
  proxy.resetCounts();
});

describe('evac plan --source aws', () => {
  test('gives the same ratios and targets as the files source on the same data', async () => {
    const aws = await runEvac(planArgs(), AT);
    const files = await runEvac(
      ['plan', '--source', 'files', '--data', dataDir, '--config', CONFIG_DIR, '--failed', FAILED, '--at', String(AT), '--format', 'json'],
      AT,
    );
    expect(aws.code, aws.stderr).toBe(0);
    expect(files.code, files.stderr).toBe(0);
    const a = JSON.parse(aws.stdout) as Plan;
    const f = JSON.parse(files.stdout) as Plan;
    const pick = (p: Plan) =>
      p.services.map((e) => ({
        service: e.service,
        region: e.region,
        weightedRatio: e.weightedRatio,
        uniformRatio: e.uniformRatio,
        currentCapacity: e.currentCapacity,
        minCapacity: e.minCapacity,
        maxCapacity: e.maxCapacity,
        targetMinCapacity: e.targetMinCapacity,
        targetMaxCapacity: e.targetMaxCapacity,
        flags: e.flags,
        demand: e.demand?.nominal ?? null,
      }));
    expect(pick(a)).toEqual(pick(f));
    expect(a.fingerprint).toBe(f.fingerprint);
    // The data really differ by device: not every ratio is the uniform one.
    expect(a.services.some((e) => Math.abs(e.weightedRatio - e.uniformRatio) > 0.01)).toBe(true);
    expect(a.services.find((e) => e.service === 'telemetry')?.flags).toEqual(expect.arrayContaining(['capacity-unknown', 'no-scalable-target']));
    expect(a.meta.apiCalls).toEqual({ DescribeScalableTargets: 2, GetMetricData: 5 });
    expect(a.unreachableRegions).toEqual([]);
  });

  test('evac precompute from CloudWatch folds a history that plans the same with no AWS at all', async () => {
    const out = path.join(work, 'precomputed');
    const pre = await runEvac(['precompute', '--source', 'aws', '--out', out, '--at', String(AT), ...awsFlags()], AT);
    expect(pre.code, pre.stderr).toBe(0);
    expect(pre.stdout).toMatch(/^wrote .*precomputed: history to /);
    const aws = JSON.parse((await runEvac(planArgs(), AT)).stdout) as Plan;
    // The next day at the same time of day, during the incident: no endpoint answers, the folded history is all there is.
    const closed = `http://127.0.0.1:${await freePort()}`;
    const offline = await runEvac(
      ['plan', '--data', out, '--config', CONFIG_DIR, '--failed', FAILED, '--at', String(AT + 86_400), '--format', 'json', '--endpoint-url', closed],
      AT,
    );
    expect(offline.code, offline.stderr).toBe(0);
    const folded = JSON.parse(offline.stdout) as Plan;
    const ratios = (p: Plan) =>
      p.services.map((e) => [e.service, e.region, e.weightedRatio.toFixed(9), e.uniformRatio.toFixed(9), e.ci95.map((x) => x.toFixed(9)), e.targetMinCapacity]);
    expect(folded.bucket).toBe(aws.bucket);
    expect(ratios(folded)).toEqual(ratios(aws));
  });

  test('--history plans from a precomputed directory and reads only capacity from AWS, never the failed region', async () => {
    const out = path.join(work, 'precomputed-files');
    const pre = await runEvac(['precompute', '--data', dataDir, '--config', CONFIG_DIR, '--out', out, '--at', String(AT)], AT);
    expect(pre.code, pre.stderr).toBe(0);
    const full = JSON.parse((await runEvac(planArgs(), AT)).stdout) as Plan;
    const closed = `http://127.0.0.1:${await freePort()}`;
    const run = await runEvac(
      [
        'plan',
        '--source',
        'aws',
        '--history',
        out,
        '--config',
        CONFIG_DIR,
        '--failed',
        FAILED,
        '--at',
        String(AT),
        '--endpoint-url',
        moto.url,
        '--endpoint-url',
        `${FAILED}=${closed}`,
        '--format',
        'json',
      ],
      AT,
    );
    expect(run.code, run.stderr).toBe(0);
    const live = JSON.parse(run.stdout) as Plan;
    expect(live.unreachableRegions).toEqual([]);
    expect(live.meta.apiCalls).toEqual({ DescribeScalableTargets: 2, GetMetricData: 2 });
    expect(live.source).toMatch(/^history precomputed in .*; capacity and Min\/Max live from AWS \(2\/2 regions\)$/);
    const pick = (p: Plan) =>
      p.services.map((e) => [e.service, e.region, e.weightedRatio.toFixed(9), e.currentCapacity, e.minCapacity, e.maxCapacity, e.targetMinCapacity, e.flags]);
    expect(pick(live)).toEqual(pick(full));
  });

  test('evac report --source aws loads CloudWatch once for every scenario', async () => {
    const run = await runEvac(['report', '--source', 'aws', ...awsFlags(), '--format', 'json'], AT);
    expect([0, 3]).toContain(run.code);
    const report = JSON.parse(run.stdout) as { kind: string; scenarios: { failedRegion: string }[]; meta: { apiCalls: Record<string, number> } };
    expect(report.kind).toBe('evac-report');
    expect(report.scenarios.map((s) => s.failedRegion)).toEqual(['us-east-1', 'us-west-2', 'eu-west-1']);
    // One load: per region one GetMetricData for history and one for capacity, one DescribeScalableTargets.
    expect(report.meta.apiCalls).toEqual({ DescribeScalableTargets: 3, GetMetricData: 6 });
  });

  test('refuses to plan when the failed region cannot be read (no-history), and says --history DIR supplies its traffic', async () => {
    const closed = `http://127.0.0.1:${await freePort()}`;
    const run = await runEvac([...planArgs(), '--endpoint-url', `${FAILED}=${closed}`, '--max-attempts', '2'], AT);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(
      /refusing to plan: no traffic history: us-west-2 \(the failed region\) could not be read \(.*ECONNREFUSED.*\) and has no traffic sample/,
    );
    expect(run.stderr).toContain('--source aws --history DIR (made by evac precompute)');
  });

  test('apply --yes refuses when the failed region cannot be read, and changes nothing', async () => {
    const closed = `http://127.0.0.1:${await freePort()}`;
    const args = [
      'apply',
      '--failed',
      FAILED,
      '--at',
      String(AT),
      '--yes',
      '--state-dir',
      stateDir,
      '--config',
      CONFIG_DIR,
      '--data',
      dataDir,
      '--max-attempts',
      '2',
    ];
    const run = await runEvac([...args, '--endpoint-url', moto.url, '--endpoint-url', `${FAILED}=${closed}`], AT);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('refusing to plan: no traffic history: us-west-2 (the failed region) could not be read');
    for (const region of HEALTHY) expect(await targetsIn(moto.url, region)).toEqual(seeded(region));
    expect(auditLines()).toEqual([]);
  });

  test('--allow-partial-history plans the healthy regions with the failed one unreadable, flagged no-history', async () => {
    const closed = `http://127.0.0.1:${await freePort()}`;
    const run = await runEvac([...planArgs(), '--endpoint-url', `${FAILED}=${closed}`, '--max-attempts', '2', '--verbose', '--allow-partial-history'], AT);
    expect(run.code, run.stderr).toBe(0);
    const plan = JSON.parse(run.stdout) as Plan;
    expect(plan.services.every((e) => e.flags.includes('no-history'))).toBe(true);
    expect(plan.unreachableRegions).toEqual([{ region: FAILED, reason: expect.stringContaining('ECONNREFUSED') }]);
    expect(plan.services.every((e) => e.flags.includes('failed-region-unreachable'))).toBe(true);
    expect(plan.services.filter((e) => e.targetMinCapacity !== null)).toHaveLength(6);
    expect(run.stderr).toMatch(/AWS API calls: \d+/);
  });

  test('reports a healthy region that does not answer; apply skips it and pre-scales the others', async () => {
    proxy.setRules([{ fault: 'hang' }]);
    const plan = await runEvac([...planArgs(), '--endpoint-url', `eu-west-1=${proxy.url}`, '--region-timeout', '1500', '--out', planFile], AT);
    expect(plan.code, plan.stderr).toBe(0);
    const saved = readPlan();
    expect(saved.unreachableRegions).toEqual([{ region: 'eu-west-1', reason: 'no answer within 1500 ms' }]);
    proxy.setRules([]);
    const run = await runEvac([...applyArgs(), planFile], AT);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain('3 raised, 0 unchanged, 0 failed, 5 skipped');
    expect(run.stdout).toMatch(/skipped +eu-west-1 service\/prod-eu-west-1\/catalog .* region unreachable when planned: no answer within 1500 ms/);
    expect(await targetsIn(moto.url, 'eu-west-1')).toEqual(seeded('eu-west-1'));
    expect(await targetsIn(moto.url, 'us-east-1')).toEqual({ ...seeded('us-east-1'), ...planned(saved, 'us-east-1') });
  });
});

describe('evac apply and restore', () => {
  test('apply sets exactly the planned Min/Max, apply again changes nothing, restore brings back exactly what was there', async () => {
    const plan = await savePlan();
    for (const region of HEALTHY) expect(await targetsIn(moto.url, region)).toEqual(seeded(region));

    const first = await runEvac([...applyArgs(), planFile, '--format', 'json'], AT);
    expect(first.stderr).toContain('raised    us-east-1 service/prod-us-east-1/drm-fairplay (ecs:service:DesiredCount)  Min/Max 4/40 -> ');
    expect(first.code, first.stderr).toBe(0);
    const applied = ApplyOutputSchema.parse(JSON.parse(first.stdout));
    expect(applied.summary).toMatchObject({ raised: 6, failed: 0 });
    const result = { ...applied, snapshotFile: applied.snapshotFile ?? '' };
    expect(result.meta.apiCalls.RegisterScalableTarget).toBe(6);
    for (const region of HEALTHY) expect(await targetsIn(moto.url, region)).toEqual({ ...seeded(region), ...planned(plan, region) });
    expect(await targetsIn(moto.url, FAILED)).toEqual(seeded(FAILED));
    // Min rises; Max rises only for playback-authz (allowMaxIncrease), catalog is capped at its Max.
    const authz = plan.services.find((e) => e.service === 'playback-authz' && e.region === 'us-east-1');
    expect(authz?.targetMaxCapacity).toBeGreaterThan(CAPACITY['playback-authz']?.max ?? 0);
    expect(plan.services.find((e) => e.service === 'catalog' && e.region === 'us-east-1')?.flags).toContain('exceeds-max');

    const snapshot = SnapshotSchema.parse(JSON.parse(readFileSync(result.snapshotFile, 'utf8')));
    expect(path.dirname(result.snapshotFile)).toBe(path.join(stateDir, 'snapshots'));
    expect(snapshot).toMatchObject({ failedRegion: FAILED, status: 'active', plans: [{ fingerprint: plan.fingerprint }] });
    expect(snapshot.targets.map((t) => [t.region, t.resourceId, `${t.prior.min}/${t.prior.max}`]).sort()).toEqual(
      HEALTHY.flatMap((r) => Object.entries(seeded(r)).map(([id, mm]) => [r, id, mm])).sort(),
    );
    const audit = auditLines();
    expect(audit).toHaveLength(6);
    expect(audit.every((a) => a.action === 'apply' && a.result === 'ok' && a.snapshot === snapshot.id)).toBe(true);
    const drm = audit.find((a) => a.resourceId === 'service/prod-us-east-1/drm-fairplay');
    expect(drm?.before).toEqual({ min: 4, max: 40 });
    expect(`${drm?.after.min}/${drm?.after.max}`).toBe(planned(plan, 'us-east-1')['service/prod-us-east-1/drm-fairplay']);

    const second = await runEvac([...applyArgs(), planFile, '--format', 'json'], AT);
    expect(second.code, second.stderr).toBe(0);
    const again = ApplyOutputSchema.parse(JSON.parse(second.stdout));
    expect(again.summary).toMatchObject({ raised: 0, unchanged: 6 });
    expect(again.meta.apiCalls).toEqual({ DescribeScalableTargets: 2 });
    expect(auditLines()).toHaveLength(6);

    const restore = await runEvac(
      ['restore', '--snapshot', result.snapshotFile, '--yes', '--state-dir', stateDir, '--endpoint-url', moto.url, '--format', 'json'],
      AT,
    );
    expect(restore.code, restore.stderr).toBe(0);
    expect(RestoreOutputSchema.parse(JSON.parse(restore.stdout)).summary).toMatchObject({ restored: 6, failed: 0 });
    for (const region of [...HEALTHY, FAILED]) expect(await targetsIn(moto.url, region)).toEqual(seeded(region));
    expect(SnapshotSchema.parse(JSON.parse(readFileSync(result.snapshotFile, 'utf8'))).status).toBe('restored');
    expect(auditLines().filter((a) => a.action === 'restore')).toHaveLength(6);

    const restoreAgain = await runEvac(['restore', '--snapshot', result.snapshotFile, '--yes', '--state-dir', stateDir, '--endpoint-url', moto.url], AT);
    expect(restoreAgain.code, restoreAgain.stderr).toBe(0);
    expect(restoreAgain.stdout).toContain('0 restored, 6 already at prior');
  });

  test('apply --failed without a file plans, shows the plan, and applies it', async () => {
    // Without --traces, trace shares come from --data's trace-samples.csv.
    const run = await runEvac(
      [
        'apply',
        '--failed',
        FAILED,
        '--at',
        String(AT),
        '--yes',
        '--state-dir',
        stateDir,
        '--config',
        CONFIG_DIR,
        '--data',
        dataDir,
        '--endpoint-url',
        moto.url,
      ],
      AT,
    );
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain('drm-fairplay');
    expect(run.stdout).toMatch(/6 raised, 0 unchanged, 0 failed/);
    const plan = (await runEvac(planArgs(), AT)).stdout;
    // Planning again now reads the raised Min/Max: the targets already hold what the first plan asked.
    expect(
      JSON.parse(plan).services.filter((e: Plan['services'][number]) => e.targetMinCapacity !== null && e.targetMinCapacity > (e.minCapacity ?? 0)),
    ).toEqual([]);
  });

  test('--dry-run prints the exact calls and changes nothing', async () => {
    const plan = await savePlan();
    proxy.resetCounts();
    const run = await runEvac([...applyArgs(proxy.url), planFile, '--dry-run'], AT);
    expect(run.code, run.stderr).toBe(0);
    const [min, max] = (planned(plan, 'us-east-1')['service/prod-us-east-1/drm-fairplay'] ?? '').split('/');
    expect(run.stdout).toContain(
      `aws application-autoscaling register-scalable-target --region us-east-1 --service-namespace ecs --resource-id service/prod-us-east-1/drm-fairplay --scalable-dimension ecs:service:DesiredCount --min-capacity ${min} --max-capacity ${max}`,
    );
    expect(run.stdout.match(/register-scalable-target/g)).toHaveLength(6);
    expect(proxy.counts().RegisterScalableTarget).toBeUndefined();
    expect(existsSync(path.join(stateDir, 'snapshots'))).toBe(false);
    for (const region of HEALTHY) expect(await targetsIn(moto.url, region)).toEqual(seeded(region));
  });

  test('refuses a stale plan, naming the targets that changed, and changes nothing', async () => {
    await savePlan();
    await setTarget(moto.url, 'us-east-1', 'service/prod-us-east-1/catalog', 3, 9);
    const run = await runEvac([...applyArgs(), planFile], AT);
    expect(run.code, run.stderr).toBe(4);
    expect(run.stderr).toContain('the plan is stale: 1 target changed since it was planned');
    expect(run.stderr).toContain('us-east-1 service/prod-us-east-1/catalog (ecs:service:DesiredCount): planned with Min 2/Max 9, now Min 3/Max 9');
    expect(await targetsIn(moto.url, 'eu-west-1')).toEqual(seeded('eu-west-1'));
    expect(auditLines()).toEqual([]);
  });

  test('refuses a plan file edited after planning', async () => {
    const plan = await savePlan();
    const entry = plan.services.find((e) => e.service === 'drm-fairplay' && e.region === 'us-east-1');
    if (!entry) throw new Error('no entry');
    entry.minCapacity = 1;
    writeFileSync(planFile, JSON.stringify(plan));
    const run = await runEvac([...applyArgs(), planFile], AT);
    expect(run.code, run.stderr).toBe(4);
    expect(run.stderr).toContain('fingerprint does not match');
    // What apply would set, edited after review: refused too, and nothing is changed.
    entry.minCapacity = CAPACITY['drm-fairplay']?.min ?? 0;
    entry.targetMinCapacity = 40;
    writeFileSync(planFile, JSON.stringify(plan));
    const edited = await runEvac([...applyArgs(), planFile], AT);
    expect(edited.code, edited.stderr).toBe(4);
    expect(edited.stderr).toContain('the plan was edited after it was planned');
    expect(await targetsIn(moto.url, 'us-east-1')).toEqual(seeded('us-east-1'));
  });

  test('a region steered none of the traffic gets no call: not in the dry run, untouched by apply', async () => {
    const config = path.join(work, 'config-not-receiving');
    cpSync(CONFIG_DIR, config, { recursive: true });
    const yaml = readFileSync(path.join(config, 'evacuation.yaml'), 'utf8').replace(
      'us-west-2: { us-east-1: 0.75, eu-west-1: 0.25 }',
      'us-west-2: { us-east-1: 0.75 }',
    );
    writeFileSync(path.join(config, 'evacuation.yaml'), yaml);
    const args = [
      'apply',
      '--failed',
      FAILED,
      '--at',
      String(AT),
      '--yes',
      '--state-dir',
      stateDir,
      '--config',
      config,
      '--data',
      dataDir,
      '--endpoint-url',
      moto.url,
    ];
    const dry = await runEvac([...args, '--dry-run'], AT);
    expect(dry.code, dry.stderr).toBe(0);
    expect(dry.stdout).toMatch(/register-scalable-target --region us-east-1/);
    expect(dry.stdout).not.toMatch(/register-scalable-target --region eu-west-1/);
    expect(dry.stdout).toMatch(/skipped +eu-west-1 .*not receiving traffic: nothing to pre-scale/);
    const run = await runEvac(args, AT);
    expect(run.code, run.stderr).toBe(0);
    expect(await targetsIn(moto.url, 'eu-west-1')).toEqual(seeded('eu-west-1'));
    expect(auditLines().filter((l) => l.region === 'eu-west-1')).toEqual([]);
  });

  test('refuses a plan of another failed region, and a file that is not a plan', async () => {
    await savePlan();
    expect((await runEvac([...applyArgs(), planFile, '--failed', 'us-east-1'], AT)).code).toBe(2);
    writeFileSync(planFile, '{"kind":"something"}');
    const run = await runEvac([...applyArgs(), planFile], AT);
    expect(run.code, run.stderr).toBe(2);
    expect(run.stderr).toContain('is not an evac plan');
  });

  test('restore refuses a target changed by someone else, naming it, then --force restores everything', async () => {
    await savePlan();
    const applied = await runEvac([...applyArgs(), planFile], AT);
    expect(applied.code, applied.stderr).toBe(0);
    const plan = readPlan();
    await setTarget(moto.url, 'eu-west-1', 'service/prod-eu-west-1/drm-fairplay', 30, 40);
    const snapshot = path.join(stateDir, 'snapshots', readdirSync(path.join(stateDir, 'snapshots'))[0] ?? '');

    const refused = await runEvac(['restore', '--snapshot', snapshot, '--yes', '--state-dir', stateDir, '--endpoint-url', moto.url], AT);
    expect(refused.code, refused.stderr).toBe(4);
    expect(refused.stderr).toContain('1 target was changed by someone else since evac set it; nothing was restored');
    expect(refused.stderr).toMatch(
      /eu-west-1 service\/prod-eu-west-1\/drm-fairplay \(ecs:service:DesiredCount\): evac set Min \d+\/Max 40, now Min 30\/Max 40/,
    );
    expect(refused.stderr).toContain('--force');
    expect(await targetsIn(moto.url, 'us-east-1')).toEqual({ ...seeded('us-east-1'), ...planned(plan, 'us-east-1') });

    const forced = await runEvac(['restore', '--snapshot', snapshot, '--yes', '--force', '--state-dir', stateDir, '--endpoint-url', moto.url], AT);
    expect(forced.code, forced.stderr).toBe(0);
    for (const region of HEALTHY) expect(await targetsIn(moto.url, region)).toEqual(seeded(region));
  });

  test('status shows progress toward the new Min, and --wait polls until it is reached', async () => {
    await savePlan();
    expect((await runEvac([...applyArgs(), planFile], AT)).code).toBe(0);
    const plan = readPlan();
    const status = await runEvac(['status', '--state-dir', stateDir, '--endpoint-url', moto.url, '--format', 'json'], AT);
    expect(status.code, status.stderr).toBe(0);
    const s = StatusOutputSchema.parse(JSON.parse(status.stdout));
    expect(s.total).toBe(6);
    const drm = s.targets.find((t) => t.label.startsWith('us-east-1 service/prod-us-east-1/drm-fairplay'));
    expect(drm?.current).toBe(CAPACITY['drm-fairplay']?.current);
    expect(drm?.targetMin).toBe(plan.services.find((e) => e.service === 'drm-fairplay' && e.region === 'us-east-1')?.targetMinCapacity);
    expect(s.reached).toBeLessThan(6);
    expect(s.fraction).toBeGreaterThan(0);
    expect(s.fraction).toBeLessThan(1);

    const text = await runEvac(['status', '--state-dir', stateDir, '--endpoint-url', moto.url], AT);
    expect(text.stdout).toMatch(/\[#+-*\] +\d+%/);

    // ECS scales out: each service now runs its new Min (the capacity metrics say so).
    for (const region of HEALTHY) {
      const running = s.targets.filter((t) => t.label.startsWith(region)).map((t) => ({ label: t.label, value: t.targetMin }));
      await reportRunning(moto.url, region, running, AT + 30);
    }
    const waited = await runEvac(
      ['status', '--wait', '--poll-interval', '1', '--wait-timeout', '20', '--state-dir', stateDir, '--endpoint-url', moto.url],
      AT + 60,
    );
    expect(waited.code, waited.stderr).toBe(0);
    expect(waited.stderr).toMatch(/\[#{30}\] 100% {2}6\/6 targets at their new Min/);
  });

  test('status --wait gives up after its timeout with exit 5', async () => {
    await savePlan();
    expect((await runEvac([...applyArgs(), planFile], AT)).code).toBe(0);
    const started = Date.now();
    const run = await runEvac(['status', '--wait', '--poll-interval', '1', '--wait-timeout', '2', '--state-dir', stateDir, '--endpoint-url', moto.url], AT);
    expect(run.code, run.stderr).toBe(5);
    expect(Date.now() - started).toBeLessThan(8000);
    expect(run.stderr.match(/targets at their new Min/g)?.length).toBeGreaterThanOrEqual(2);
  });
});

describe('evac apply under throttling and failures', () => {
  test('retries throttling, 429 and 5xx with backoff, and succeeds', async () => {
    await savePlan();
    proxy.setRules([
      { api: 'RegisterScalableTarget', fault: 'throttle', from: 1, to: 2 },
      { api: 'RegisterScalableTarget', fault: 429, from: 1, to: 1 },
      { api: 'RegisterScalableTarget', fault: 503, from: 1, to: 1 },
      { api: 'DescribeScalableTargets', fault: 500, from: 1, to: 1 },
    ]);
    const run = await runEvac([...applyArgs(proxy.url), planFile, '--format', 'json'], AT);
    expect(run.code, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout).summary).toMatchObject({ raised: 6, failed: 0 });
    expect(proxy.injected()).toEqual({ RegisterScalableTarget: 4, DescribeScalableTargets: 1 });
    expect(proxy.counts().RegisterScalableTarget).toBe(10);
    const plan = readPlan();
    for (const region of HEALTHY) expect(await targetsIn(moto.url, region)).toEqual({ ...seeded(region), ...planned(plan, region) });
  });

  test('a target that keeps failing is reported, the others proceed, and re-running apply finishes it', async () => {
    const plan = await savePlan();
    proxy.setRules([{ api: 'RegisterScalableTarget', bodyIncludes: 'prod-eu-west-1/catalog', fault: 503 }]);
    const run = await runEvac([...applyArgs(proxy.url), planFile, '--max-attempts', '3'], AT);
    expect(run.code, run.stderr).toBe(5);
    expect(run.stdout).toMatch(/failed +eu-west-1 service\/prod-eu-west-1\/catalog .*HTTP 503/);
    expect(run.stdout).toContain('5 raised, 0 unchanged, 1 failed');
    expect(run.stdout).toContain('run the same evac apply again');
    expect(proxy.injected().RegisterScalableTarget).toBe(3);
    expect(auditLines().filter((a) => a.result === 'error')).toEqual([
      expect.objectContaining({ resourceId: 'service/prod-eu-west-1/catalog', error: expect.stringContaining('503') }),
    ]);
    expect(await targetsIn(moto.url, 'eu-west-1')).toEqual({
      ...planned(plan, 'eu-west-1'),
      'service/prod-eu-west-1/catalog': seeded('eu-west-1')['service/prod-eu-west-1/catalog'],
    });

    proxy.setRules([]);
    proxy.resetCounts();
    const rerun = await runEvac([...applyArgs(proxy.url), planFile], AT);
    expect(rerun.code, rerun.stderr).toBe(0);
    expect(rerun.stdout).toContain('1 raised, 5 unchanged, 0 failed');
    expect(proxy.counts().RegisterScalableTarget).toBe(1);
    for (const region of HEALTHY) expect(await targetsIn(moto.url, region)).toEqual({ ...seeded(region), ...planned(plan, region) });
    // One snapshot across both runs, with the priors of the first.
    const snapshots = readdirSync(path.join(stateDir, 'snapshots'));
    expect(snapshots).toHaveLength(1);
  });
});
