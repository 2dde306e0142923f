import { copyFileSync, mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { beforeAll, describe, expect, test } from 'vitest';
import { loadConfig } from '../../src/config/load-config.ts';
import { unwrap } from '../../src/errors.ts';
import type { PlanningData } from '../../src/model/planning-data.ts';
import type { Plan } from '../../src/report/plan-schema.ts';
import { lakeSql } from '../../src/services/lake-sql.ts';
import { planEvacuation } from '../../src/services/plan.ts';
import { collect, precompute } from '../../src/services/precompute.ts';
import { AggregatesSource } from '../../src/sources/aggregates-source.ts';
import { readEvacuations } from '../../src/sources/data-files.ts';
import { dataFile } from '../../src/sources/data-tables.ts';
import type { DataSource } from '../../src/sources/data-source.ts';
import { FilesSource } from '../../src/sources/files-source.ts';
import { MemoSource } from '../../src/sources/memo-source.ts';
import { ROOT } from '../support/run-cli.ts';

const FIXTURES = path.join(ROOT, 'fixtures');
const config = unwrap(loadConfig(path.join(ROOT, 'metrics-config')));
const NOW = Date.parse('2026-11-23T21:07:00Z') / 1000;
const memory = (data: PlanningData): DataSource => ({ load: async () => ({ data, unreachable: [], apiCalls: {}, description: 'memory' }) });
/** A plan without the line that names where its data came from. */
const content = ({ source: _s, ...plan }: Plan) => plan;

async function duckdb(statements: readonly string[]): Promise<void> {
  const db = await (await DuckDBInstance.create(':memory:')).connect();
  for (const sql of statements) await db.run(sql);
  db.closeSync();
}
const csv = (file: string) => `read_csv('${path.join(FIXTURES, file)}', header = true)`;

describe('the data-lake path', () => {
  let lakeDir: string;
  beforeAll(async () => {
    // The SQL of `evac precompute --print-sql`, run as a lake job would, on DuckDB over the fixtures.
    lakeDir = mkdtempSync(path.join(tmpdir(), 'evac-lake-'));
    const evacuations = unwrap(readEvacuations(dataFile(FIXTURES, 'evacuations'), new Set(config.evacuation.regions)));
    const [traffic, demand, traces] = lakeSql({ config, evacuations, at: NOW, dialect: 'duckdb' })
      .split(';\n')
      .filter((s) => s.trim() !== '');
    await duckdb([
      `CREATE VIEW device_traffic AS SELECT * FROM ${csv('device-traffic.csv')}`,
      `CREATE VIEW service_demand AS SELECT * FROM ${csv('service-demand.csv')}`,
      `CREATE VIEW trace_samples AS SELECT * FROM ${csv('trace-samples.csv')}`,
      `COPY (${traffic}) TO '${lakeDir}/traffic-cells.parquet' (FORMAT parquet)`,
      `COPY (${demand}) TO '${lakeDir}/demand-cells.csv' (HEADER)`,
      // As Spark writes a table: a directory of part files.
      `COPY (${traces}) TO '${lakeDir}/trace-cells' (FORMAT parquet, PER_THREAD_OUTPUT true)`,
    ]);
    copyFileSync(path.join(FIXTURES, 'capacity.csv'), path.join(lakeDir, 'capacity.csv'));
  });

  test('precompute --from-aggregates gives the same plans as precompute from the fixtures, for every failed region', async () => {
    const fromLake = await precompute({ config, source: new AggregatesSource(lakeDir), now: NOW });
    const fromFiles = await precompute({ config, source: new FilesSource(FIXTURES), now: NOW });
    expect(fromLake.manifest.dataEnd).toBe(fromFiles.manifest.dataEnd);
    const later = NOW + 3 * 3600;
    for (const failedRegion of config.evacuation.regions) {
      const a = await planEvacuation({ config, source: memory(collect(fromLake.data)), failedRegion, at: later, windowMinutes: 240 });
      const b = await planEvacuation({ config, source: memory(collect(fromFiles.data)), failedRegion, at: later, windowMinutes: 240 });
      expect(content(a)).toStrictEqual(content(b));
    }
  });
});

describe('Parquet data files', () => {
  test('plan the same as the CSV fixtures (a file per table, or a directory of part files)', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'evac-parquet-'));
    mkdirSync(path.join(dir, 'service-demand'));
    await duckdb([
      `COPY (SELECT * FROM ${csv('device-traffic.csv')}) TO '${dir}/device-traffic.parquet' (FORMAT parquet)`,
      `COPY (SELECT * FROM ${csv('trace-samples.csv')}) TO '${dir}/trace-samples.parquet' (FORMAT parquet)`,
      `COPY (SELECT * FROM ${csv('service-demand.csv')} WHERE region < 'u') TO '${dir}/service-demand/part-0.parquet' (FORMAT parquet)`,
      `COPY (SELECT * FROM ${csv('service-demand.csv')} WHERE region >= 'u') TO '${dir}/service-demand/part-1.parquet' (FORMAT parquet)`,
      `COPY (SELECT * FROM ${csv('capacity.csv')}) TO '${dir}/capacity.parquet' (FORMAT parquet)`,
    ]);
    copyFileSync(path.join(FIXTURES, 'evacuations.csv'), path.join(dir, 'evacuations.csv'));
    const at = Date.parse('2026-11-23T20:00:00Z') / 1000;
    const parquet = new MemoSource(new FilesSource(dir));
    const csvFiles = new MemoSource(new FilesSource(FIXTURES));
    for (const failedRegion of config.evacuation.regions) {
      const a = await planEvacuation({ config, source: parquet, failedRegion, at, windowMinutes: 60 });
      const b = await planEvacuation({ config, source: csvFiles, failedRegion, at, windowMinutes: 60 });
      expect(content(a)).toStrictEqual(content(b));
    }
  });
});
