import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { PlanSchema } from '../../src/report/plan-schema.ts';
import { runCli, spawnCli } from '../support/run-cli.ts';
import { writeWorld } from '../support/small-world.ts';

const AT = '2026-11-23T10:30:00Z';

describe('evac plan (small world)', () => {
  test('prints the JSON contract with --format json', async () => {
    const w = writeWorld();
    const r = await runCli(['plan', '--failed', 'us-west-2', '--at', AT, '--config', w.configDir, '--data', w.dataDir, '--format', 'json']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const plan = PlanSchema.parse(JSON.parse(r.stdout));
    expect(plan.services.find((s) => s.service === 'authz' && s.region === 'us-east-1')?.targetMinCapacity).toBe(20);
  });

  test('prints a table by default, with the uniform comparison', async () => {
    const w = writeWorld();
    const r = await runCli(['plan', '--failed', 'us-west-2', '--at', AT, '--config', w.configDir, '--data', w.dataDir]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Evacuation of us-west-2 at 2026-11-23T10:30:00.000Z (bucket 10, 10:00 UTC)');
    expect(r.stdout).toMatch(/authz\s+us-east-1\s+1\.752/);
    expect(r.stdout).toMatch(/uniform scaling would under-scale \d+ and over-scale \d+/);
  });

  test('writes Markdown atomically to --out', async () => {
    const w = writeWorld();
    const out = path.join(w.root, 'plan.md');
    const r = await runCli(['plan', '--failed', 'us-west-2', '--at', AT, '--config', w.configDir, '--data', w.dataDir, '--out', out]);
    expect(r.code).toBe(0);
    const md = readFileSync(out, 'utf8');
    expect(md).toMatch(/^# Evacuation plan: us-west-2/);
    expect(md).toContain('| drm-fairplay | us-east-1 |');
    expect(md).toContain('`exceeds-max`');
  });

  test('bad data exits 2 and names file:line', async () => {
    const w = writeWorld({ 'data/capacity.csv': 'region,service,current_capacity,min_capacity,max_capacity\nus-east-1,authz,x,1,2\n' });
    const r = await runCli(['plan', '--failed', 'us-west-2', '--at', AT, '--config', w.configDir, '--data', w.dataDir]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${w.dataDir}/capacity.csv:2: column "current_capacity": "x" is not a number`);
    expect(r.stderr).toContain('hint: fix the rows above');
  });

  test('a missing --failed, an unknown flag and a bad --at exit 2 with a hint', async () => {
    expect(await runCli(['plan'])).toMatchObject({ code: 2, stderr: expect.stringContaining('--failed REGION is required') });
    expect(await runCli(['plan', '--failed', 'us-west-2', '--fialed'])).toMatchObject({
      code: 2,
      stderr: expect.stringContaining('unknown flag --fialed; did you mean --failed?'),
    });
    expect(await runCli(['plan', '--failed', 'us-west-2', '--at', 'noon'])).toMatchObject({
      code: 2,
      stderr: expect.stringContaining('--at "noon": expected a time of day'),
    });
    expect(await runCli(['nope'])).toMatchObject({ code: 2, stderr: expect.stringContaining('unknown command "nope"') });
  });
});

describe('evac validate and schema', () => {
  test('validate passes a good world and reports warnings', async () => {
    const w = writeWorld();
    const r = await runCli(['validate', '--config', w.configDir, '--data', w.dataDir]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^ok: 2 service configs \(2 units\), 3 regions; data: 14 traffic, 7 traces, 2 demand, 4 capacity, 1 evacuations; \d+ warning/);
    expect(r.stderr).toContain('warning:');
    expect((await runCli(['validate', '--config', w.configDir, '--data', w.dataDir, '--strict'])).code).toBe(2);
  });

  test('validate fails bad config with exit 2 and the field path', async () => {
    const w = writeWorld({ 'config/services/authz.yaml': 'service: authz\nheadroom: -1\n' });
    const r = await runCli(['validate', '--config', w.configDir, '--no-data']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`error: ${w.configDir}/services/authz.yaml:2: headroom: Too small: expected number to be >=0`);
  });

  test('schema prints a JSON Schema that knows every service key', async () => {
    const r = await runCli(['schema', 'service']);
    expect(r.code).toBe(0);
    const schema = JSON.parse(r.stdout);
    expect(Object.keys(schema.properties)).toEqual(
      expect.arrayContaining(['service', 'traceName', 'headroom', 'demandMetric', 'scalableTarget', 'overrides', 'shards']),
    );
    expect(schema.additionalProperties).toBe(false);
  });
});

describe('the evac binary', () => {
  test('runs from the project with npm-style argv', () => {
    const w = writeWorld();
    const r = spawnCli(['plan', '--failed', 'us-west-2', '--at', AT, '--config', w.configDir, '--data', w.dataDir, '--format', 'json']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).kind).toBe('evac-plan');
  });
});
