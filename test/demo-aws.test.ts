import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { PROJECT_ROOT } from './support/moto-server.ts';

describe('npm run demo:aws', () => {
  test('runs plan, apply --wait, status and restore against moto, and stops moto by its pid', () => {
    const r = spawnSync(process.execPath, ['--import', 'tsx', path.join(PROJECT_ROOT, 'scripts/demo-aws.ts')], {
      cwd: PROJECT_ROOT,
      encoding: 'utf8',
      timeout: 280_000,
    });
    expect(r.status, `${r.stdout}\n${r.stderr}`).toBe(0);
    const out = r.stdout;
    for (const step of ['=== 1. start', '=== 3. plan', '=== 4. apply', '=== 5. status', '=== 6. restore', '=== To repeat it by hand'])
      expect(out).toContain(step);
    expect(out).toMatch(/\$ evac plan -f us-west-2 --source aws --history /);
    expect(out).toMatch(/!!\s+tv-ui-gateway\s+us-east-1/);
    expect(out).toMatch(/100%\s+(\d+)\/\1 targets at their new Min/);
    expect(out).toMatch(/(\d+) restored, 0 already at prior, 0 failed/);
    expect(out).toContain('is marked restored');
    const pid = Number(/stopped moto_server \(pid (\d+)\)/.exec(out)?.[1]);
    expect(pid).toBeGreaterThan(0);
    expect(() => process.kill(pid, 0)).toThrow();
  }, 300_000);
});
