import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { loadConfig } from '../../src/config/load-config.ts';
import { unwrap } from '../../src/errors.ts';
import type { Plan } from '../../src/report/plan-schema.ts';
import { planEvacuation } from '../../src/services/plan.ts';
import { precompute } from '../../src/services/precompute.ts';
import { writeDataDir } from '../../src/sources/data-files.ts';
import { FilesSource } from '../../src/sources/files-source.ts';
import { roundedEntries } from '../support/rounded-plan.ts';

/** Everything a plan entry says, but where its data came from. */
const comparable = (p: Plan) => roundedEntries(p, { withoutConfigFile: true });
import { ROOT, runCli } from '../support/run-cli.ts';
import { SMALL_WORLD_AT, writeWorld } from '../support/small-world.ts';

async function precomputeInto(configDir: string, dataDir: string, now: number): Promise<string> {
  const config = unwrap(loadConfig(configDir));
  const result = await precompute({ config, source: new FilesSource(dataDir), now });
  const out = mkdtempSync(path.join(tmpdir(), 'evac-precomputed-'));
  writeDataDir(out, result.data, result.manifest, result.dayTypes);
  return out;
}

describe('precompute', () => {
  test('a plan from the folded history equals the plan from the full history (small world)', async () => {
    const w = writeWorld();
    const config = unwrap(loadConfig(w.configDir));
    const out = await precomputeInto(w.configDir, w.dataDir, SMALL_WORLD_AT);
    for (const windowMinutes of [0, 120]) {
      const full = await planEvacuation({
        config,
        source: new FilesSource(w.dataDir),
        failedRegion: 'us-west-2',
        at: SMALL_WORLD_AT,
        windowMinutes,
        allowPartialHistory: true,
      });
      const folded = await planEvacuation({
        config,
        source: new FilesSource(out),
        failedRegion: 'us-west-2',
        at: SMALL_WORLD_AT,
        windowMinutes,
        allowPartialHistory: true,
      });
      expect(comparable(folded)).toEqual(comparable(full));
      expect(folded.dataEnd).toBe(full.dataEnd);
      expect(folded.source).toMatch(/^history precomputed in /);
    }
  });

  test('a plan from the folded fixtures equals the plan from the fixtures, for every failed region, at a later time', async () => {
    const configDir = path.join(ROOT, 'metrics-config');
    const dataDir = path.join(ROOT, 'fixtures');
    const config = unwrap(loadConfig(configDir));
    const out = await precomputeInto(configDir, dataDir, Date.parse('2026-11-24T06:00:00Z') / 1000);
    const rows = readFileSync(path.join(out, 'trace-samples.csv'), 'utf8').split('\n').length;
    expect(rows).toBeLessThan(readFileSync(path.join(dataDir, 'trace-samples.csv'), 'utf8').split('\n').length);
    const at = Date.parse('2026-11-25T14:10:00Z') / 1000; // an incident after the job ran
    const full = new FilesSource(dataDir);
    const folded = new FilesSource(out);
    for (const failedRegion of Object.keys(config.evacuation.steering)) {
      const a = await planEvacuation({ config, source: full, failedRegion, at, windowMinutes: 60, allowPartialHistory: true });
      const b = await planEvacuation({ config, source: folded, failedRegion, at, windowMinutes: 60, allowPartialHistory: true });
      expect(comparable(b)).toEqual(comparable(a));
    }
  });
});

describe('evac precompute', () => {
  test('writes a data directory that evac plan reads, and refuses it under another bucket width', async () => {
    const w = writeWorld();
    const out = path.join(w.root, 'precomputed');
    const r = await runCli(['precompute', '--out', out, '--config', w.configDir, '--data', w.dataDir, '--at', '2026-11-23T10:30:00Z']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    // 11 traffic date means (one per series, bucket and date, so day types survive the fold):
    // us-east-1 tv at bucket 10 on 11-21, 11-22, 11-23 and at 11 on 11-22, ios at 10 on 11-22 and 11-23;
    // us-west-2 tv at 10 on 11-22 and 11-23 and at 11 on 11-22, ios at 10 on 11-22; eu-west-1 tv at 10 on 11-22.
    // 2 demand date means: authz in us-east-1 on 11-22 and 11-23.
    // 5 trace series: authz tv and ios, fairplay ios at buckets 9 and 10, tv-ui tv.
    expect(r.stdout).toBe(
      `wrote ${out}: history to 2026-11-23T10:30:00.000Z folded into 11 traffic, 5 traces, 2 demand, 4 capacity, 0 evacuations; plan from it with --data ${out}\n`,
    );
    const plan = await runCli(['plan', '--failed', 'us-west-2', '--at', '2026-11-24T10:30:00Z', '--config', w.configDir, '--data', out, '--format', 'json']);
    expect(plan.code).toBe(0);
    expect(
      JSON.parse(plan.stdout).services.find((e: { service: string; region: string }) => e.service === 'authz' && e.region === 'us-east-1').targetMinCapacity,
    ).toBe(20);

    const evac = path.join(w.configDir, 'evacuation.yaml');
    writeFileSync(evac, readFileSync(evac, 'utf8').replace('bucketMinutes: 60', 'bucketMinutes: 30'));
    const refused = await runCli(['plan', '--failed', 'us-west-2', '--config', w.configDir, '--data', out]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain(`${out}/precompute.json: bucketMinutes: precomputed with bucketMinutes 60, the config says 30: expected the same`);
  });

  test('needs --out', async () => {
    expect(await runCli(['precompute'])).toMatchObject({ code: 2, stderr: expect.stringContaining('--out DIR is required') });
  });
});
