import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { ROOT } from './support/run-cli.ts';

// The layer rules live in biome.json (noRestrictedImports per folder). These probes lint
// deliberate imports against a copy of that config, so a rule that stops holding fails here.
const probes = {
  'src/model/probe-config.ts': '../config/metric-query.ts',
  'src/model/probe-errors.ts': '../errors.ts',
  'src/async/probe-config.ts': '../config/load-config.ts',
  'src/config/probe-report.ts': '../report/plan-schema.ts',
  'src/config/probe-sources.ts': '../sources/data-source.ts',
  'src/scaling/probe-aws.ts': '../aws/clients.ts',
  'src/scaling/probe-report.ts': '../report/report-schema.ts',
  'src/state/probe-aws.ts': '../aws/clients.ts',
  'src/report/probe-sources.ts': '../sources/data-source.ts',
  'src/aws/probe-state.ts': '../state/snapshot.ts',
  'src/sources/probe-services.ts': '../services/plan.ts',
  'src/services/probe-aws.ts': '../aws/defaults.ts',
  'src/services/probe-sdk.ts': '@aws-sdk/client-cloudwatch',
  'src/services/probe-cli.ts': '../../cli/options.ts',
} as const;
const allowed = {
  'src/config/allowed-model.ts': '../model/bucket.ts',
  'src/report/allowed-config.ts': '../config/metric-query.ts',
  'src/scaling/allowed-plan.ts': '../report/plan-schema.ts',
  'src/sources/allowed-aws.ts': '../aws/clients.ts',
  'src/services/allowed-report.ts': '../report/plan-schema.ts',
  'cli/allowed-aws.ts': '../src/aws/clients.ts',
} as const;

const dir = mkdtempSync(path.join(tmpdir(), 'evac-layers-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function lint(): Map<string, string[]> {
  copyFileSync(path.join(ROOT, 'biome.json'), path.join(dir, 'biome.json'));
  for (const [file, from] of Object.entries({ ...probes, ...allowed })) {
    mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    writeFileSync(path.join(dir, file), `import * as m from '${from}';\nexport const probe = m;\n`);
  }
  const r = spawnSync(path.join(ROOT, 'node_modules/.bin/biome'), ['lint', '--reporter=json', 'src', 'cli'], { cwd: dir, encoding: 'utf8' });
  const report = JSON.parse(r.stdout) as { diagnostics: { category: string; message: string; location: { path: string } }[] };
  const byFile = new Map<string, string[]>();
  for (const d of report.diagnostics)
    if (d.category === 'lint/style/noRestrictedImports') byFile.set(d.location.path, [...(byFile.get(d.location.path) ?? []), d.message]);
  return byFile;
}

describe('layer rules (biome.json)', () => {
  const found = lint();
  test.each(Object.entries(probes))('%s may not import %s', (file) => {
    expect(found.get(file)?.[0]).toMatch(/model <- config <- sources\/aws\/state\/scaling\/report <- services <- cli/);
  });
  test.each(Object.entries(allowed))('%s may import %s', (file) => {
    expect(found.get(file)).toBeUndefined();
  });
});
