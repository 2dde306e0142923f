import { spawnSync } from 'node:child_process';
import { appendFileSync, cpSync, mkdtempSync, readFileSync, rmSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { afterAll, describe, expect, test } from 'vitest';
import type { ScanTask } from '../../src/sources/scan-task.ts';
import { ROOT } from '../support/run-cli.ts';

/** Runs `bin/evac.js` from the bundle `npm ci` built, or (`fromSource`) from the TypeScript. */
function evac(argv: readonly string[], fromSource: boolean) {
  const env = { ...process.env };
  if (fromSource) env.EVAC_FROM_SOURCE = '1';
  else delete env.EVAC_FROM_SOURCE;
  return spawnSync(process.execPath, [path.join(ROOT, 'bin/evac.js'), ...argv], { cwd: ROOT, env, encoding: 'utf8', timeout: 120_000 });
}

describe('the bundle (scripts/build.mjs, loaded by bin/bundle.js)', () => {
  test('starts from the V8 code cache the build wrote beside it', () => {
    const probe = `import { bundleScript } from ${JSON.stringify(path.join(ROOT, 'bin/bundle.js'))}; console.log(bundleScript().cachedDataRejected);`;
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', probe], { cwd: ROOT, encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.stdout.trim()).toBe('false');
  });

  test('plans exactly as the TypeScript sources do', () => {
    const argv = ['plan', '--failed', 'us-west-2', '--at', '2026-11-23T18:00:00Z', '--format', 'json'];
    const bundled = evac(argv, false);
    const source = evac(argv, true);
    expect(bundled.status).toBe(0);
    expect(bundled.stderr).toBe('');
    expect(JSON.parse(bundled.stdout)).toEqual(JSON.parse(source.stdout));
  });

  test("has the scan worker thread's script beside it, which scans and folds the task it is given", async () => {
    const task: ScanTask = {
      regions: ['us-east-1', 'us-west-2', 'eu-west-1', 'sa-east-1'],
      bucketMinutes: 15,
      window: { firstStartDay: 20_400, lastStartDay: 20_410, endDay: 20_415 },
      evacuations: [],
      file: path.join(ROOT, 'fixtures/device-traffic.csv'),
      table: 'traffic',
    };
    const worker = new Worker(path.join(ROOT, 'dist/scan-worker.cjs'));
    const part = await new Promise<{ scan: { rows: number; series: unknown[] } | null }>((resolve, reject) => {
      worker.once('message', resolve);
      worker.once('error', reject);
      worker.postMessage(task);
    });
    await worker.terminate();
    expect(part.scan?.rows).toBeGreaterThan(10_000);
    expect(part.scan?.series.length).toBe(24); // 4 regions x 6 device types
  });

  test('loads the packages it leaves to Node only when a command needs them: danfo for report', () => {
    const r = evac(['report', '--failed', 'us-west-2', '--format', 'json'], false);
    expect(r.stderr).not.toMatch(/internal error|ERR_/);
    expect(r.status).toBe(3); // the fixtures are not ready, as the report says
    expect(JSON.parse(r.stdout)).toHaveProperty('scenarios');
  });
});

describe('bin/evac.js runs the bundle only while no file it was built from has changed', () => {
  // The bundle and the build's list of its input files (bin/bundle.js: BUNDLE, BUNDLE_INPUTS).
  const BUNDLE = 'dist/evac.cjs';
  const BUNDLE_INPUTS = 'dist/inputs.json';
  // A copy of the project whose bundle says so when it runs: `evac --version` prints "the bundle"
  // from it, and the version from the TypeScript sources.
  const copy = mkdtempSync(path.join(os.tmpdir(), 'evac-fresh-'));
  afterAll(() => rmSync(copy, { recursive: true, force: true }));
  for (const entry of ['bin', 'cli', 'src', 'dist', 'package.json', 'tsconfig.json'])
    cpSync(path.join(ROOT, entry), path.join(copy, entry), { recursive: true });
  symlinkSync(path.join(ROOT, 'node_modules'), path.join(copy, 'node_modules'));
  appendFileSync(path.join(copy, BUNDLE), "\nmodule.exports = { main: async () => { process.stdout.write('the bundle\\n'); return 0; } };\n");
  const inputs: string[] = JSON.parse(readFileSync(path.join(copy, BUNDLE_INPUTS), 'utf8'));
  const now = Date.now() / 1000;
  for (const file of inputs) utimesSync(path.join(copy, file), now - 100, now - 100);
  utimesSync(path.join(copy, BUNDLE), now - 50, now - 50);
  const version = () =>
    spawnSync(process.execPath, [path.join(copy, 'bin/evac.js'), '--version'], { cwd: copy, encoding: 'utf8', timeout: 120_000 }).stdout.trim();

  test('lists the project files the bundles were built from: the CLI, its sources, package.json (its version)', () => {
    expect(inputs).toContain('cli/main.ts');
    expect(inputs).toContain('src/sources/scan-worker.ts');
    expect(inputs).toContain('package.json');
    expect(inputs.some((file) => file.includes('node_modules') || file.startsWith('test/'))).toBe(false);
  });

  test('runs the bundle while they are older, whatever else is new (a file nothing imports yet)', () => {
    expect(version()).toBe('the bundle');
    writeFileSync(path.join(copy, 'src/not-imported-yet.ts'), 'export const x = 1;\n');
    expect(version()).toBe('the bundle');
  });

  test('runs the TypeScript sources once one of them is newer than the bundle, or the list is missing', () => {
    utimesSync(path.join(copy, 'src/errors.ts'), now, now);
    expect(version()).toBe('0.1.0');
    utimesSync(path.join(copy, 'src/errors.ts'), now - 100, now - 100);
    expect(version()).toBe('the bundle');
    rmSync(path.join(copy, BUNDLE_INPUTS));
    expect(version()).toBe('0.1.0');
  });
});
