import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { type FaultProxy, startFaultProxy } from '../support/fault-proxy.ts';
import { type MotoServer, PROJECT_ROOT, startMoto, testAwsEnv } from '../support/moto-server.ts';
import { seedMotoFromData } from '../support/seed-moto.ts';
import { AT, writeSmallDataset } from '../support/small-dataset.ts';
import { runEvac, targetsIn, useTestCredentials } from './support.ts';

const CONFIG_DIR = path.join(import.meta.dirname, 'fixtures/config');

let moto: MotoServer;
let proxy: FaultProxy;
let work: string;

beforeAll(async () => {
  useTestCredentials();
  moto = await startMoto();
  proxy = await startFaultProxy({ target: moto.url });
  work = mkdtempSync(path.join(tmpdir(), 'evac-race-'));
});
afterAll(async () => {
  await proxy?.close();
  await moto?.stop();
  if (work) rmSync(work, { recursive: true, force: true });
});

test('two applies racing on one state directory: the second is refused (exit 4) naming the first, and changes nothing', async () => {
  const dataDir = writeSmallDataset(path.join(work, 'data'));
  await seedMotoFromData({ endpoint: moto.url, configDir: CONFIG_DIR, dataDir, at: AT });
  const stateDir = path.join(work, 'state');
  const planFile = path.join(work, 'plan.json');
  const planned = await runEvac(
    [
      'plan',
      '--source',
      'aws',
      '--failed',
      'us-west-2',
      '--at',
      String(AT),
      '--config',
      CONFIG_DIR,
      '--traces',
      path.join(dataDir, 'trace-samples.csv'),
      '--endpoint-url',
      moto.url,
      '--out',
      planFile,
    ],
    AT,
  );
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
