import { spawn, spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { hostname } from 'node:os';
import path from 'node:path';
import { expect, test } from 'vitest';
import { PROJECT_ROOT, testAwsEnv } from '../support/moto-server.ts';
import { seedMotoFromData } from '../support/seed-moto.ts';
import { AT, writeSmallDataset } from '../support/small-dataset.ts';
import { planToFile, targetsIn, motoWorldPerFile } from './support.ts';

const CONFIG_DIR = path.join(import.meta.dirname, 'fixtures/config');

const world = motoWorldPerFile('evac-race-');

test('two applies racing on one state directory: the second is refused (exit 4) naming the first, and changes nothing', async () => {
  const { moto, proxy, work } = world;
  const dataDir = writeSmallDataset(path.join(work, 'data'));
  await seedMotoFromData({ endpoint: moto.url, configDir: CONFIG_DIR, dataDir, at: AT });
  const stateDir = path.join(work, 'state');
  const planFile = path.join(work, 'plan.json');
  const planned = await planToFile({ endpoint: moto.url, configDir: CONFIG_DIR, dataDir, planFile, at: AT });
  expect(planned.code).toBe(0);
  const before = { 'us-east-1': await targetsIn(moto.url, 'us-east-1'), 'eu-west-1': await targetsIn(moto.url, 'eu-west-1') };

  // The first apply holds the lock while its first RegisterScalableTarget never gets an answer.
  proxy.setRules([{ api: 'RegisterScalableTarget', fault: 'hang' }]);
  const apply = (endpoint: string) => [
    path.join(PROJECT_ROOT, 'bin/evac.js'),
    'apply',
    planFile,
    '--yes',
    '--concurrency',
    '1',
    '--state-dir',
    stateDir,
    '--endpoint-url',
    endpoint,
    '--config',
    CONFIG_DIR,
  ];
  const first = spawn(process.execPath, apply(proxy.url), { cwd: work, env: testAwsEnv({ EVAC_FROM_SOURCE: '1' }), stdio: 'ignore' });
  const deadline = Date.now() + 60_000;
  while ((proxy.counts().RegisterScalableTarget ?? 0) < 1) {
    if (Date.now() > deadline || first.exitCode !== null) throw new Error('the first apply never reached its first call');
    await new Promise((r) => setTimeout(r, 25));
  }

  // The second, a separate process, straight to moto: refused before it reads or changes anything.
  const second = spawnSync(process.execPath, apply(moto.url), { cwd: work, env: testAwsEnv({ EVAC_FROM_SOURCE: '1' }), encoding: 'utf8', timeout: 60_000 });
  expect(second.stderr).toContain(`another evac (apply, pid ${first.pid} on ${hostname()}`);
  expect(second.status).toBe(4);
  expect({ 'us-east-1': await targetsIn(moto.url, 'us-east-1'), 'eu-west-1': await targetsIn(moto.url, 'eu-west-1') }).toEqual(before);
  expect(readdirSync(path.join(stateDir, 'snapshots'))).toHaveLength(1);

  const exited = new Promise((resolve) => first.on('exit', resolve));
  first.kill('SIGKILL');
  await exited;
}, 120_000);
