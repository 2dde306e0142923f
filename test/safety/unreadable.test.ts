import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { ROOT } from '../support/run-cli.ts';
import { type World, writeWorld } from '../support/small-world.ts';

/**
 * The checkout mirrored under the temp directory, so that the unprivileged user can reach it
 * wherever the checkout lives (a clone under /root, mode 0700, is out of its reach). Files are
 * hard links where the file system allows it (fast), copies otherwise.
 */
function reachableCheckout(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'evac-checkout-'));
  chmodSync(dir, 0o755);
  const entries = readdirSync(ROOT).filter((e) => e !== '.git' && e !== '.venv' && !e.startsWith('.venv'));
  const sources = entries.map((e) => path.join(ROOT, e));
  try {
    execFileSync('cp', ['-al', ...sources, dir], { stdio: 'pipe' });
  } catch {
    execFileSync('cp', ['-a', ...sources, dir], { stdio: 'pipe' });
  }
  return dir;
}

let checkout: string | undefined;
afterAll(() => {
  if (checkout) rmSync(checkout, { recursive: true, force: true });
});

/**
 * Runs the real `evac` as an unprivileged user, so that file modes apply (root reads anything):
 * as nobody through setpriv when the tests run as root, as the current user otherwise.
 */
function evacAsUser(argv: readonly string[]): { code: number | null; stdout: string; stderr: string } {
  checkout ??= reachableCheckout();
  const evac = [process.execPath, path.join(checkout, 'bin/evac.js'), ...argv];
  const cmd = process.getuid?.() === 0 ? ['setpriv', '--reuid=65534', '--regid=65534', '--clear-groups', ...evac] : evac;
  const r = spawnSync(cmd[0] as string, cmd.slice(1), {
    cwd: checkout,
    encoding: 'utf8',
    timeout: 120_000,
    env: { PATH: process.env.PATH ?? '', HOME: '/tmp' },
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** A world every user may read (mkdtemp makes its root 0700). */
function openWorld(): World {
  const w = writeWorld();
  for (const dir of [w.root, w.configDir, path.join(w.configDir, 'services'), w.dataDir]) chmodSync(dir, 0o755);
  return w;
}

const plan = (w: World, ...more: string[]) => [
  'plan',
  '--config',
  w.configDir,
  '--data',
  w.dataDir,
  '--failed',
  'us-west-2',
  '--at',
  '2026-11-23T10:30:00Z',
  ...more,
];

describe('unreadable and unwritable paths (a real unprivileged process)', () => {
  test('an unreadable config file, services/ directory, data file or data directory exits 2 naming it', () => {
    const w = openWorld();
    chmodSync(path.join(w.configDir, 'evacuation.yaml'), 0o000);
    let r = evacAsUser(plan(w));
    expect(r.stderr).toContain(`${path.join(w.configDir, 'evacuation.yaml')}: permission denied`);
    expect(r.code).toBe(2);

    chmodSync(path.join(w.configDir, 'evacuation.yaml'), 0o644);
    chmodSync(path.join(w.configDir, 'services'), 0o000);
    r = evacAsUser(plan(w));
    expect(r.stderr).toContain(`${path.join(w.configDir, 'services')}: permission denied`);
    expect(r.code).toBe(2);

    chmodSync(path.join(w.configDir, 'services'), 0o755);
    chmodSync(path.join(w.dataDir, 'capacity.csv'), 0o000);
    r = evacAsUser(plan(w));
    expect(r.stderr).toContain(`${path.join(w.dataDir, 'capacity.csv')}: permission denied`);
    expect(r.code).toBe(2);

    chmodSync(path.join(w.dataDir, 'capacity.csv'), 0o644);
    chmodSync(w.dataDir, 0o000);
    r = evacAsUser(['validate', '--config', w.configDir, '--data', w.dataDir]);
    expect(r.stderr).toContain('permission denied');
    expect(r.stderr).toContain(w.dataDir);
    expect(r.stderr).not.toContain('internal error');
    expect(r.code).toBe(2);
  }, 120_000);

  test('an unwritable --out exits 2 naming it and leaves no temp file', () => {
    const w = openWorld();
    const out = path.join(w.root, 'ro');
    mkdirSync(out, { mode: 0o555 });
    chmodSync(out, 0o555);
    const r = evacAsUser(plan(w, '--out', path.join(out, 'plan.json')));
    expect(r.stderr).toContain(`cannot write ${path.join(out, 'plan.json')}: permission denied`);
    expect(r.stderr).not.toContain('internal error');
    expect(r.code).toBe(2);
    expect(readdirSync(out)).toEqual([]);
  }, 120_000);
});
