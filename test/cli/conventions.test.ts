import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { closestFlag } from '../../cli/flags.ts';
import { timeOfDayToday } from '../../cli/options.ts';
import { PlanSchema } from '../../src/report/plan-schema.ts';
import { runCli } from '../support/run-cli.ts';
import { writeWorld } from '../support/small-world.ts';

// runCli's clock: 2026-11-23T18:00:00Z.
const NOW = Date.parse('2026-11-23T18:00:00Z') / 1000;

describe('evac CLI conventions', () => {
  test('--version prints the package version', async () => {
    const pkg = JSON.parse(readFileSync(path.join(import.meta.dirname, '../../package.json'), 'utf8')) as { version: string };
    const r = await runCli(['--version']);
    expect(r).toEqual({ code: 0, stdout: `${pkg.version}\n`, stderr: '' });
  });

  test('the top-level help shows examples and every exit code', async () => {
    const r = await runCli(['help']);
    expect(r.stdout).toContain('Examples:\n  evac plan -f us-west-2\n');
    for (const code of [0, 1, 2, 3, 4, 5]) expect(r.stdout).toMatch(new RegExp(`^  ${code}  \\S`, 'm'));
  });

  test('an unknown flag names the closest known one instead of parseArgs text', async () => {
    const r = await runCli(['plan', '-f', 'us-west-2', '--windw', '60']);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('evac: plan: unknown flag --windw; did you mean --window?\nhint: evac plan --help lists the options\n');
    expect((await runCli(['plan', '--failed'])).stderr).toContain('--failed needs a value (REGION)');
    expect((await runCli(['pln'])).stderr).toContain('unknown command "pln"; did you mean "plan"?');
  });

  test('EVAC_WORKERS takes auto, never or always; anything else is exit 2 naming it', async () => {
    const args = ['plan', '-f', 'us-west-2', '--at', '02:15', '--format', 'json'];
    const bad = await runCli(args, { EVAC_WORKERS: 'sometimes' });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('EVAC_WORKERS="sometimes": expected auto, never or always');
    const never = await runCli(args, { EVAC_WORKERS: 'never' });
    expect(never.code).toBe(0);
    expect(PlanSchema.parse(JSON.parse(never.stdout)).services.length).toBeGreaterThan(0);
  });

  test('closestFlag takes a unique prefix or a small typo, and nothing far off', () => {
    expect(closestFlag('win', ['window', 'verbose'])).toBe('window');
    expect(closestFlag('fromat', ['format', 'failed'])).toBe('format');
    expect(closestFlag('zzz', ['window', 'failed'])).toBeUndefined();
  });

  test('-f is --failed and -o is --out, and --help shows them', async () => {
    const w = writeWorld();
    const out = path.join(mkdtempSync(path.join(tmpdir(), 'evac-short-')), 'plan.json');
    const r = await runCli(['plan', '-f', 'us-west-2', '--at', '10:30', '--config', w.configDir, '--data', w.dataDir, '-o', out]);
    expect(r.code, r.stderr).toBe(0);
    expect(PlanSchema.parse(JSON.parse(readFileSync(out, 'utf8'))).failedRegion).toBe('us-west-2');
    expect((await runCli(['plan', '--help'])).stdout).toMatch(/-f, --failed REGION/);
  });

  test('--at HH:MM is that time of day on the UTC date of now, UTC unless it has a zone', async () => {
    expect(timeOfDayToday('10:30', NOW)).toBe(Date.parse('2026-11-23T10:30:00Z') / 1000);
    expect(timeOfDayToday('10:30+02:00', NOW)).toBe(Date.parse('2026-11-23T08:30:00Z') / 1000);
    expect(timeOfDayToday('25:00', NOW)).toBeUndefined();
    const w = writeWorld();
    const plan = async (at: string) =>
      JSON.parse((await runCli(['plan', '-f', 'us-west-2', '--at', at, '--config', w.configDir, '--data', w.dataDir, '--format', 'json'])).stdout) as unknown;
    expect(await plan('10:30')).toEqual(await plan('2026-11-23T10:30:00Z'));
    const bad = await runCli(['plan', '-f', 'us-west-2', '--at', '6pm']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('expected a time of day (18:00');
  });

  test('validate and precompute print JSON with --format json', async () => {
    const w = writeWorld();
    const v = await runCli(['validate', '--config', w.configDir, '--data', w.dataDir, '--format', 'json']);
    expect(v.code).toBe(0);
    expect(JSON.parse(v.stdout)).toMatchObject({ ok: true, errors: [], summary: { regions: expect.any(Number) } });
    const out = mkdtempSync(path.join(tmpdir(), 'evac-pre-'));
    const p = await runCli(['precompute', '--out', out, '--at', '2026-11-23T10:30:00Z', '--config', w.configDir, '--data', w.dataDir, '--format', 'json']);
    expect(p.code, p.stderr).toBe(0);
    expect(JSON.parse(p.stdout)).toMatchObject({ out, manifest: { kind: 'evac-precomputed-history' }, unreachable: [] });
  });

  test.each(['bash', 'zsh', 'fish'])('completion %s lists every command and their flags', async (shell) => {
    const r = await runCli(['completion', shell]);
    expect(r.code).toBe(0);
    for (const word of ['plan', 'apply', 'restore', 'window', 'failed']) expect(r.stdout).toContain(word);
  });

  test('completion refuses an unknown shell', async () => {
    expect((await runCli(['completion', 'tcsh'])).code).toBe(2);
  });
});
