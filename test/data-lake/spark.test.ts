/**
 * The data-lake path on a real distributed engine: the SQL `evac precompute --print-sql
 * --dialect spark` prints, run unchanged by Spark SQL (local[2]) over the fixtures as Parquet,
 * and the plans from Spark's aggregate tables equal the plans from the CSV fixtures.
 *
 * Needs Java 17+ and pyspark in the project's .venv (`.ci/run` installs it). Never skips: when
 * either is missing the test fails and says how to install it.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { beforeAll, describe, expect, test } from 'vitest';
import { loadConfig } from '../../src/config/load-config.ts';
import { unwrap } from '../../src/errors.ts';
import type { Plan } from '../../src/report/plan-schema.ts';
import { ensureVenvPackages, PYSPARK } from '../support/moto-server.ts';
import { ROOT, runCli } from '../support/run-cli.ts';

const FIXTURES = path.join(ROOT, 'fixtures');
const CONFIG = path.join(ROOT, 'metrics-config');
const PYTHON = path.join(ROOT, '.venv', 'bin', 'python');
const SCRIPT = path.join(ROOT, 'test', 'support', 'spark-aggregate.py');
const INSTALL = `python3 -m venv .venv && .venv/bin/pip install -r test/support/requirements-spark.txt (in ${ROOT}); Java 17 or later: apt-get install openjdk-17-jre-headless`;
const config = unwrap(loadConfig(CONFIG));
const failedRegions = Object.keys(config.evacuation.steering);

/** Java and pyspark as the Spark job needs them (pyspark installed into .venv on first use), or an Error saying how to install them. */
async function requireSpark(): Promise<void> {
  const java = spawnSync('java', ['-version'], { encoding: 'utf8' });
  if (java.error || java.status !== 0) throw new Error(`Java is not installed (java -version failed): the Spark test needs Java 17+. Install: ${INSTALL}`);
  await ensureVenvPackages(PYSPARK);
  const probe = spawnSync(PYTHON, ['-c', 'import pyspark; print(pyspark.__version__)'], { encoding: 'utf8' });
  if (probe.status !== 0) throw new Error(`pyspark is not importable from .venv (${probe.stderr.trim().split('\n').at(-1)}). Install: ${INSTALL}`);
}

async function duckdb(statements: readonly string[]): Promise<string> {
  const db = await (await DuckDBInstance.create(':memory:')).connect();
  let last = '';
  for (const sql of statements) {
    const rows = (await db.runAndReadAll(sql)).getRows();
    last = String(rows[0]?.[0] ?? '');
  }
  db.closeSync();
  return last;
}

async function evac(argv: readonly string[]): Promise<string> {
  const r = await runCli(argv);
  if (r.code !== 0) throw new Error(`evac ${argv.join(' ')} exited ${r.code}: ${r.stderr}`);
  return r.stdout;
}

async function planJson(data: string, failed: string, at: string, windowMinutes: number): Promise<Plan> {
  const out = await evac(['plan', '--config', CONFIG, '--data', data, '--failed', failed, '--at', at, '--window', String(windowMinutes), '--format', 'json']);
  return JSON.parse(out) as Plan;
}

/** A plan without the line that names where its data came from. */
const content = ({ source: _s, ...plan }: Plan) => plan;
const iso = (epochSeconds: number) => new Date(epochSeconds * 1000).toISOString();

describe('the data-lake SQL on Spark', () => {
  let precomputed: string;
  let dataEnd: number;
  let sparkRun: { tables: Record<string, number>; totalSeconds: number };

  beforeAll(async () => {
    await requireSpark();
    const work = mkdtempSync(path.join(tmpdir(), 'evac-spark-'));
    // The raw tables as the lake holds them: Parquet, written once from the committed fixtures.
    const lake = path.join(work, 'lake');
    const csv = (name: string) => `read_csv('${path.join(FIXTURES, `${name}.csv`)}', header = true)`;
    // Traffic and traces as the docs advise, partitioned by UTC date (directories dt=YYYY-MM-DD/),
    // demand as one file.
    mkdirSync(lake);
    const dt = `strftime(make_timestamp(CAST("timestamp" AS BIGINT) * 1000000), '%Y-%m-%d')`;
    dataEnd = Number(
      await duckdb([
        `COPY (SELECT *, ${dt} AS dt FROM ${csv('device-traffic')}) TO '${path.join(lake, 'device-traffic')}' (FORMAT parquet, PARTITION_BY (dt))`,
        `COPY (SELECT * FROM ${csv('service-demand')}) TO '${path.join(lake, 'service-demand.parquet')}' (FORMAT parquet)`,
        `COPY (SELECT *, ${dt} AS dt FROM ${csv('trace-samples')}) TO '${path.join(lake, 'trace-samples')}' (FORMAT parquet, PARTITION_BY (dt))`,
        `SELECT MAX(CAST("timestamp" AS DOUBLE)) FROM ${csv('device-traffic')}`,
      ]),
    );
    // The daily job reads only the partitions of the lookback (plus a day).
    const since = iso(dataEnd - (config.evacuation.lookbackDays + 1) * 86_400).slice(0, 10);

    // The SQL exactly as the CLI prints it, for the time the data ends.
    const at = iso(dataEnd);
    const sqlFile = path.join(work, 'evac-cells.sql');
    writeFileSync(sqlFile, await evac(['precompute', '--print-sql', '--dialect', 'spark', '--at', at, '--config', CONFIG, '--data', FIXTURES]));

    const cells = path.join(work, 'cells');
    const spark = spawnSync(PYTHON, [SCRIPT, '--sql', sqlFile, '--tables', lake, '--out', cells, '--since', since], { encoding: 'utf8', timeout: 280_000 });
    if (spark.status !== 0)
      throw new Error(`the Spark job failed (exit ${spark.status}${spark.error ? `, ${spark.error.message}` : ''}):\n${spark.stderr.slice(-4000)}`);
    sparkRun = JSON.parse(spark.stdout.trim().split('\n').at(-1) ?? '{}');

    copyFileSync(path.join(FIXTURES, 'capacity.csv'), path.join(cells, 'capacity.csv'));
    precomputed = path.join(work, 'precomputed');
    await evac(['precompute', '--from-aggregates', cells, '--at', at, '--config', CONFIG, '--out', precomputed]);
  }, 300_000);

  test('Spark wrote every aggregate table, with rows', () => {
    expect(Object.keys(sparkRun.tables).sort()).toStrictEqual(['demand_cells', 'trace_cells', 'traffic_cells']);
    for (const rows of Object.values(sparkRun.tables)) expect(rows).toBeGreaterThan(0);
  });

  test('plans from Spark aggregates equal the plans from the CSV fixtures, for every failed region', async () => {
    // At the data's end, and three hours later over a four-hour window (sixteen buckets).
    const times: [string, number][] = [
      [iso(dataEnd), 0],
      [iso(dataEnd + 3 * 3600), 240],
    ];
    for (const failed of failedRegions) {
      for (const [at, windowMinutes] of times) {
        const fromSpark = await planJson(precomputed, failed, at, windowMinutes);
        const fromCsv = await planJson(FIXTURES, failed, at, windowMinutes);
        expect(fromSpark.services.length).toBeGreaterThan(0);
        expect(content(fromSpark)).toStrictEqual(content(fromCsv));
      }
    }
  }, 180_000);
});
