import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { expect, test } from 'vitest';
import type { Plan } from '../../src/report/plan-schema.ts';
import { SnapshotSchema } from '../../src/state/snapshot.ts';
import { PROJECT_ROOT, testAwsEnv } from '../support/moto-server.ts';
import { seedMotoFromData } from '../support/seed-moto.ts';
import { AT, CAPACITY, writeSmallDataset } from '../support/small-dataset.ts';
import { planToFile, runEvac, targetsIn, motoWorldPerFile } from './support.ts';

const CONFIG_DIR = path.join(import.meta.dirname, 'fixtures/config');
const HEALTHY = ['eu-west-1', 'us-east-1'];

const world = motoWorldPerFile('evac-interrupt-');

async function until(condition: () => boolean, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

test('an apply killed half way is finished by running it again, and restore still brings back the original Min/Max', async () => {
  const { moto, proxy, work } = world;
  const dataDir = writeSmallDataset(path.join(work, 'data'));
  await seedMotoFromData({ endpoint: moto.url, configDir: CONFIG_DIR, dataDir, at: AT });
  const stateDir = path.join(work, 'state');
  const planFile = path.join(work, 'plan.json');
  const seeded = Object.fromEntries(
    HEALTHY.map((r) => [r, Object.fromEntries(Object.entries(CAPACITY).map(([s, c]) => [`service/prod-${r}/${s}`, `${c.min}/${c.max}`]))]),
  );
  const planned = await planToFile({ endpoint: moto.url, configDir: CONFIG_DIR, dataDir, planFile, at: AT });
  expect(planned.code).toBe(0);
  const plan = JSON.parse(readFileSync(planFile, 'utf8')) as Plan;

  // The third RegisterScalableTarget and all after it never get an answer: the CLI is killed while waiting.
  proxy.setRules([{ api: 'RegisterScalableTarget', fault: 'hang', from: 3 }]);
  const child = spawn(
    process.execPath,
    [
      path.join(PROJECT_ROOT, 'bin/evac.js'),
      'apply',
      planFile,
      '--yes',
      '--concurrency',
      '1',
      '--state-dir',
      stateDir,
      '--endpoint-url',
      proxy.url,
      '--config',
      CONFIG_DIR,
    ],
    { cwd: work, env: testAwsEnv({ EVAC_FROM_SOURCE: '1' }), stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  child.stdout.on('data', (c: Buffer) => (output += c.toString()));
  child.stderr.on('data', (c: Buffer) => (output += c.toString()));
  const exited = new Promise<NodeJS.Signals | number | null>((resolve) => child.on('exit', (code, signal) => resolve(signal ?? code)));
  await until(() => (proxy.counts().RegisterScalableTarget ?? 0) >= 3 || child.exitCode !== null, 60_000);
  await new Promise((r) => setTimeout(r, 300));
  child.kill('SIGKILL');
  expect(await exited, output).toBe('SIGKILL');

  // Half done: the snapshot holds every prior, the audit log the two calls that landed.
  const snapshots = readdirSync(path.join(stateDir, 'snapshots'));
  expect(snapshots).toHaveLength(1);
  const snapshotFile = path.join(stateDir, 'snapshots', snapshots[0] ?? '');
  const snapshot = SnapshotSchema.parse(JSON.parse(readFileSync(snapshotFile, 'utf8')));
  expect(
    Object.fromEntries(
      HEALTHY.map((r) => [r, Object.fromEntries(snapshot.targets.filter((t) => t.region === r).map((t) => [t.resourceId, `${t.prior.min}/${t.prior.max}`]))]),
    ),
  ).toEqual(seeded);
  const audit = readFileSync(path.join(stateDir, 'audit.jsonl'), 'utf8').trim().split('\n');
  expect(audit).toHaveLength(2);
  expect(existsSync(path.join(stateDir, 'lock'))).toBe(true);
  const target = (r: string) =>
    Object.fromEntries(
      plan.services
        .filter((e) => e.region === r && e.scalableTarget && e.targetMinCapacity !== null)
        .map((e) => [e.scalableTarget?.resourceId, `${e.targetMinCapacity}/${e.targetMaxCapacity}`]),
    );
  let raised = 0;
  for (const r of HEALTHY) {
    const live = await targetsIn(moto.url, r);
    for (const [id, mm] of Object.entries(live)) if (mm !== seeded[r]?.[id]) raised += 1;
  }
  expect(raised).toBe(2);

  // Resumed: the stale lock of the dead process is taken over, the rest is raised.
  proxy.setRules([]);
  proxy.resetCounts();
  const resumed = await runEvac(['apply', planFile, '--yes', '--state-dir', stateDir, '--endpoint-url', proxy.url, '--config', CONFIG_DIR], AT);
  expect(resumed.code, resumed.stderr).toBe(0);
  expect(resumed.stdout).toContain('4 raised, 2 unchanged, 0 failed');
  expect(proxy.counts().RegisterScalableTarget).toBe(4);
  for (const r of HEALTHY) expect(await targetsIn(moto.url, r)).toEqual(target(r));
  expect(readdirSync(path.join(stateDir, 'snapshots'))).toEqual(snapshots);

  const restored = await runEvac(['restore', '--snapshot', snapshotFile, '--yes', '--state-dir', stateDir, '--endpoint-url', moto.url], AT);
  expect(restored.code, restored.stderr).toBe(0);
  for (const r of HEALTHY) expect(await targetsIn(moto.url, r)).toEqual(seeded[r]);
});
