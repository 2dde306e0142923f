import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { ReportSchema } from '../../src/report/report-schema.ts';
import { runCli } from '../support/run-cli.ts';
import { SMALL_WORLD, type World, writeWorld } from '../support/small-world.ts';

const args = (w: World, ...more: string[]) => ['report', '--config', w.configDir, '--data', w.dataDir, ...more];

/** The small world with room for drm-fairplay (needs 33) and tv-ui (needs 61) in us-east-1. */
const ROOMY_CAPACITY = SMALL_WORLD['data/capacity.csv']
  .replace('us-east-1,drm-fairplay,6,2,12', 'us-east-1,drm-fairplay,6,2,40')
  .replace('us-east-1,tv-ui,11,11,50', 'us-east-1,tv-ui,11,11,70');

describe('evac report (small world)', () => {
  test('exits 3 when a scenario is not ready, and still writes the three reports', async () => {
    const w = writeWorld();
    const out = path.join(w.root, 'out');
    const r = await runCli(args(w, '--out-dir', out));
    expect(r.code).toBe(3);
    expect(r.stdout).toContain('evac report: not ready: 1 of 1 scenarios fails the gate');
    expect(r.stdout).toContain('us-west-2 fails: not ready: 2 of 6 service-regions fail the gate: exceeds-max 2 (drm-fairplay in us-east-1 short by 21');
    const md = readFileSync(path.join(out, 'report.md'), 'utf8');
    expect(md).toContain('- **us-west-2 fails: not ready**');
    expect(md).toContain('| us-west-2 | drm-fairplay | us-east-1 | 11:00 | 5.000 | 6 | 33 | 12 | 21 |');
    const json = ReportSchema.parse(JSON.parse(readFileSync(path.join(out, 'report.json'), 'utf8')));
    expect(json.ready).toBe(false);
    const xml = readFileSync(path.join(out, 'report.junit.xml'), 'utf8');
    expect(xml).toContain('<testcase classname="evac.us-west-2" name="drm-fairplay in us-east-1" time="0">');
    expect(xml.match(/<failure /g)).toHaveLength(2);
  });

  test('exits 0 when every scenario is ready', async () => {
    const w = writeWorld({ 'data/capacity.csv': ROOMY_CAPACITY });
    const r = await runCli(args(w));
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^# Evacuation readiness: ready\n/);
    expect(r.stdout).toContain('- **us-west-2 fails: ready**: all 6 service-regions pass the gate (exceeds-max, no-history, unbounded-ratio, zero-capacity).');
  });

  test('--fail-on picks the flags that fail the gate', async () => {
    const w = writeWorld({ 'data/capacity.csv': ROOMY_CAPACITY });
    // authz in eu-west-1 has no traces: low-samples
    const r = await runCli(args(w, '--fail-on', 'exceeds-max,low-samples', '--format', 'json'));
    expect(r.code).toBe(3);
    const report = ReportSchema.parse(JSON.parse(r.stdout));
    expect(report.gate.failOn).toEqual(['exceeds-max', 'low-samples']);
    expect(report.scenarios[0]?.failures.map((f) => `${f.service}@${f.region}:${f.flags.join(',')}`)).toContain('authz@eu-west-1:low-samples');
  });

  test('an unknown --fail-on flag exits 2 naming the allowed ones', async () => {
    const w = writeWorld();
    const r = await runCli(args(w, '--fail-on', 'exceeds-max,exceed-max'));
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--fail-on: unknown flag "exceed-max": expected one or more of default-config, pooled-buckets, low-samples');
    expect(r.stdout).toBe('');
  });

  test('bad input exits 2: an unknown --failed region, bad data, a bad --threshold or --format', async () => {
    const w = writeWorld();
    expect(await runCli(args(w, '--failed', 'us-east-1'))).toMatchObject({
      code: 2,
      stderr: expect.stringContaining('expected regions with a steering entry: us-west-2'),
    });
    expect(await runCli(args(w, '--threshold', 'lots'))).toMatchObject({ code: 2, stderr: expect.stringContaining('--threshold "lots"') });
    expect(await runCli(args(w, '--format', 'html'))).toMatchObject({ code: 2, stderr: expect.stringContaining('expected one of markdown, json, junit') });
    const bad = writeWorld({ 'data/capacity.csv': 'region,service,current_capacity,min_capacity,max_capacity\nus-east-1,authz,x,1,2\n' });
    expect(await runCli(args(bad))).toMatchObject({ code: 2, stderr: expect.stringContaining('capacity.csv:2: column "current_capacity"') });
  });

  test('--failed takes repeated and comma-separated regions', async () => {
    const w = writeWorld();
    const r = await runCli(args(w, '--failed', 'us-west-2,us-west-2', '--failed', 'us-west-2', '--format', 'json'));
    expect(r.code).toBe(3);
    expect(ReportSchema.parse(JSON.parse(r.stdout)).scenarios.map((s) => s.failedRegion)).toEqual(['us-west-2']);
  });

  test('--format junit prints JUnit XML', async () => {
    const r = await runCli(args(writeWorld(), '--format', 'junit'));
    expect(r.code).toBe(3);
    expect(r.stdout).toMatch(/^<\?xml version="1.0" encoding="UTF-8"\?>\n<testsuites /);
    expect(r.stdout).toContain('<testsuite name="us-west-2 fails" tests="6" failures="2"');
  });

  test('appends the Markdown report to GITHUB_STEP_SUMMARY', async () => {
    const w = writeWorld();
    const summary = path.join(w.root, 'summary.md');
    writeFileSync(summary, 'earlier step\n');
    const r = await runCli(args(w, '--format', 'json'), { GITHUB_STEP_SUMMARY: summary });
    expect(r.code).toBe(3);
    const text = readFileSync(summary, 'utf8');
    expect(text.startsWith('earlier step\n# Evacuation readiness: not ready\n')).toBe(true);
    // Empty means "not in GitHub Actions" (e.g. the baseline run of docs/ci.md): nothing to append to.
    const empty = await runCli(args(w, '--format', 'json'), { GITHUB_STEP_SUMMARY: '' });
    expect(empty).toMatchObject({ code: 3, stderr: '' });
  });

  test('--baseline shows a changed max capacity, its effect on the target and the gate', async () => {
    const w = writeWorld();
    const base = path.join(w.root, 'base');
    expect((await runCli(args(w, '--out-dir', base))).code).toBe(3);

    // The pull request raises drm-fairplay's MaxCapacity in us-east-1 from 12 to 40.
    const prData = path.join(w.root, 'data-pr');
    cpSync(w.dataDir, prData, { recursive: true });
    const capacity = readFileSync(path.join(prData, 'capacity.csv'), 'utf8');
    writeFileSync(path.join(prData, 'capacity.csv'), capacity.replace('us-east-1,drm-fairplay,6,2,12', 'us-east-1,drm-fairplay,6,2,40'));

    const out = path.join(w.root, 'pr');
    const r = await runCli(['report', '--config', w.configDir, '--data', prData, '--out-dir', out, '--baseline', path.join(base, 'report.json')]);
    expect(r.code).toBe(3); // tv-ui still cannot absorb it
    const md = readFileSync(path.join(out, 'report.md'), 'utf8');
    const diff = md.slice(md.indexOf('## Changes since the baseline'));
    expect(diff).toContain('| us-west-2 | drm-fairplay | us-east-1 | 11:00 | target min 12 -> 33; max 12 -> 40; gate exceeds-max -> pass |');
    expect(diff).not.toContain('| tv-ui |');
    expect(diff).not.toContain('not ready -> '); // the verdict did not change
    const json = ReportSchema.parse(JSON.parse(readFileSync(path.join(out, 'report.json'), 'utf8')));
    expect(json.comparison?.changed).toHaveLength(1);
  });

  test('a --baseline that is missing or not a report exits 2', async () => {
    const w = writeWorld();
    expect(await runCli(args(w, '--baseline', path.join(w.root, 'nope.json')))).toMatchObject({
      code: 2,
      stderr: expect.stringContaining('nope.json: file not found'),
    });
    const plan = path.join(w.root, 'plan.json');
    writeFileSync(plan, JSON.stringify({ schemaVersion: 1, kind: 'evac-plan' }));
    expect(await runCli(args(w, '--baseline', plan))).toMatchObject({
      code: 2,
      stderr: expect.stringContaining('expected an evac report with schemaVersion 1, got kind "evac-plan"'),
    });
  });
});
