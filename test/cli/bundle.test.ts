import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
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

  test('loads the packages it leaves to Node only when a command needs them: danfo for report', () => {
    const r = evac(['report', '--failed', 'us-west-2', '--format', 'json'], false);
    expect(r.stderr).not.toMatch(/internal error|ERR_/);
    expect(r.status).toBe(3); // the fixtures are not ready, as the report says
    expect(JSON.parse(r.stdout)).toHaveProperty('scenarios');
  });
});
