import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect, test } from 'vitest';
import { ROOT } from './support/run-cli.ts';

test('the committed fixtures are exactly what fixtures/generate.ts writes', () => {
  const out = mkdtempSync(path.join(tmpdir(), 'evac-fixtures-'));
  const r = spawnSync(process.execPath, ['--import', 'tsx', path.join(ROOT, 'fixtures/generate.ts'), out], { cwd: ROOT, encoding: 'utf8' });
  expect(r.stderr).toBe('');
  expect(r.status).toBe(0);
  for (const file of ['device-traffic.csv', 'trace-samples.csv', 'service-demand.csv', 'capacity.csv', 'evacuations.csv']) {
    const generated = readFileSync(path.join(out, file), 'utf8');
    expect(generated === readFileSync(path.join(ROOT, 'fixtures', file), 'utf8'), `${file} differs from the generator's output: run npm run fixtures`).toBe(
      true,
    );
  }
});
