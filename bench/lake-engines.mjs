// The data-lake SQL at scale: the text `evac precompute --print-sql` prints, run on DuckDB
// (in-process) and on Spark SQL local[2] (test/support/spark-aggregate.py with the project's
// .venv), over the same Parquet tables; times both and checks their outputs are equal, row for
// row (EXCEPT ALL both ways).
// Usage: node bench/lake-engines.mjs SET_DIR AT_ISO   (SET_DIR made by bench/generate.ts:
// SET_DIR/data/*.csv and SET_DIR/config). Writes SET_DIR/lake, SET_DIR/cells-{duckdb,spark}.
import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';

const [setDir, atIso] = process.argv.slice(2);
if (!setDir || !atIso) throw new Error('usage: node bench/lake-engines.mjs SET_DIR AT_ISO');
const root = path.resolve(import.meta.dirname, '..');
const lake = path.join(setDir, 'lake');
const tables = [
  ['device_traffic', 'device-traffic'],
  ['service_demand', 'service-demand'],
  ['trace_samples', 'trace-samples'],
];
const cells = ['traffic-cells', 'demand-cells', 'trace-cells'];
const db = await (await DuckDBInstance.create(':memory:')).connect();
const one = async (sql) => (await db.runAndReadAll(sql)).getRows()[0];

mkdirSync(lake, { recursive: true });
for (const [, file] of tables)
  await db.run(`COPY (SELECT * FROM read_csv('${setDir}/data/${file}.csv', header = true)) TO '${lake}/${file}.parquet' (FORMAT parquet)`);
const rawRows = Number(
  (
    await one(
      `SELECT (SELECT COUNT(*) FROM '${lake}/device-traffic.parquet') + (SELECT COUNT(*) FROM '${lake}/service-demand.parquet') + (SELECT COUNT(*) FROM '${lake}/trace-samples.parquet')`,
    )
  )[0],
);

const printSql = (dialect) =>
  execFileSync(
    process.execPath,
    [
      path.join(root, 'bin/evac.js'),
      'precompute',
      '--print-sql',
      '--dialect',
      dialect,
      '--at',
      atIso,
      '--config',
      `${setDir}/config`,
      '--data',
      `${setDir}/data`,
    ],
    { encoding: 'utf8' },
  );

// DuckDB: a fresh instance, the views, the three queries written as Parquet.
const duckOut = path.join(setDir, 'cells-duckdb');
rmSync(duckOut, { recursive: true, force: true });
mkdirSync(duckOut);
let t0 = performance.now();
const duck = await (await DuckDBInstance.create(':memory:')).connect();
for (const [view, file] of tables) await duck.run(`CREATE VIEW ${view} AS SELECT * FROM read_parquet('${lake}/${file}.parquet')`);
for (const q of printSql('duckdb')
  .split(';\n')
  .filter((s) => s.trim())) {
  const name = q.match(/^-- (\w+)_cells:/m)[1];
  await duck.run(`COPY (${q}) TO '${duckOut}/${name}-cells.parquet' (FORMAT parquet)`);
}
duck.closeSync();
const duckdbSeconds = (performance.now() - t0) / 1000;

// Spark: the same text with --dialect spark, through the job the data-lake test runs.
const sparkOut = path.join(setDir, 'cells-spark');
const sqlFile = path.join(setDir, 'evac-cells-spark.sql');
writeFileSync(sqlFile, printSql('spark'));
t0 = performance.now();
const job = JSON.parse(
  execFileSync(
    path.join(root, '.venv/bin/python'),
    [path.join(root, 'test/support/spark-aggregate.py'), '--sql', sqlFile, '--tables', lake, '--out', sparkOut],
    { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] },
  )
    .trim()
    .split('\n')
    .at(-1),
);
const sparkSeconds = (performance.now() - t0) / 1000;

const differences = {};
for (const t of cells) {
  const a = `(SELECT * FROM read_parquet('${duckOut}/${t}.parquet'))`;
  const b = `(SELECT * FROM read_parquet('${sparkOut}/${t}/*.parquet'))`;
  const [onlyDuck, onlySpark, rows] = await one(
    `SELECT (SELECT COUNT(*) FROM (${a} EXCEPT ALL ${b})), (SELECT COUNT(*) FROM (${b} EXCEPT ALL ${a})), (SELECT COUNT(*) FROM ${a})`,
  );
  differences[t] = { rows: Number(rows), onlyDuckdb: Number(onlyDuck), onlySpark: Number(onlySpark) };
}
console.log(
  JSON.stringify({ rawRows, duckdbSeconds: +duckdbSeconds.toFixed(1), sparkSeconds: +sparkSeconds.toFixed(1), spark: job, cells: differences }, null, 1),
);
