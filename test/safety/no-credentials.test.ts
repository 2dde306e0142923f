import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { ROOT, runCli } from '../support/run-cli.ts';
import { writeWorld } from '../support/small-world.ts';

describe('evac apply without credentials', () => {
  test('says so once, with the fix, exits 2 and changes nothing (the real SDK chain, emptied)', async () => {
    const w = writeWorld();
    const planFile = path.join(w.root, 'plan.json');
    const planned = await runCli([
      'plan',
      '--config',
      w.configDir,
      '--data',
      w.dataDir,
      '--failed',
      'us-west-2',
      '--at',
      '2026-11-23T10:30:00Z',
      '--out',
      planFile,
    ]);
    expect(planned.code).toBe(0);
    const home = path.join(w.root, 'empty-home');
    mkdirSync(home);
    // No AWS_* variables and a HOME without ~/.aws: the SDK's default chain finds nothing.
    const env = { PATH: process.env.PATH ?? '', HOME: home };
    const stateDir = path.join(w.root, 'state');
    const r = spawnSync(process.execPath, [path.join(ROOT, 'bin/evac.js'), 'apply', planFile, '--yes', '--config', w.configDir, '--state-dir', stateDir], {
      cwd: ROOT,
      env,
      encoding: 'utf8',
      timeout: 120_000,
    });
    const stderr = r.stderr;
    expect(stderr.match(/CredentialsProviderError/g)).toHaveLength(1);
    expect(stderr).toContain(
      'AWS refused the credentials reading the scalable targets, nothing was changed: CredentialsProviderError: Could not load credentials from any providers (eu-west-1, us-east-1)',
    );
    expect(stderr).toContain('hint: give evac credentials that may make these calls (--profile NAME or AWS_PROFILE');
    expect(`${r.stdout}${stderr}`).not.toContain('run the same evac apply again');
    expect(r.stdout).toBe('');
    expect(r.status).toBe(2);
    expect(existsSync(path.join(stateDir, 'snapshots'))).toBe(false);
  }, 120_000);
});
