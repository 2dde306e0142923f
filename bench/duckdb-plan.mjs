// A DuckDB peer: the README's method for one plan bucket, the data work as SQL over the CSVs
// (history window, nominal levels, trace counts per bucket), the last few dozen numbers in JS.
// Same output as bench/naive-plan.mjs. Usage: node bench/duckdb-plan.mjs DATA_DIR CONFIG_DIR FAILED AT_ISO
import { readFileSync } from 'node:fs';
import { DuckDBInstance } from '@duckdb/node-api';
import { parse } from 'yaml';

const [dataDir, configDir, failed, atIso] = process.argv.slice(2);
const cfg = parse(readFileSync(`${configDir}/evacuation.yaml`, 'utf8'));
const at = Date.parse(atIso) / 1000;
const bm = cfg.bucketMinutes;
const nb = Math.floor(1440 / bm);
const minSamples = cfg.defaults?.minTraceSamples ?? 100;
const b0 = Math.floor((((at % 86400) + 86400) % 86400) / 60 / bm);
const db = await (await DuckDBInstance.create(':memory:')).connect();
const csv = (file, cols) => `read_csv('${dataDir}/${file}', header = true, auto_detect = false, columns = {${cols}})`;
const all = async (sql) => (await db.runAndReadAll(sql)).getRowObjectsJS();

await db.run(
  `create view traffic as select * from ${csv('device-traffic.csv', "'timestamp': 'DOUBLE', 'region': 'VARCHAR', 'device_type': 'VARCHAR', 'value': 'DOUBLE'")}`,
);
await db.run(
  `create view evac as select epoch("start"::timestamptz) as s, epoch("end"::timestamptz) as e from ${csv('evacuations.csv', "'start': 'VARCHAR', 'end': 'VARCHAR', 'failed_region': 'VARCHAR'")}`,
);
const [{ latest }] = await all('select max(timestamp) as latest from traffic');
const end = Math.min(at, latest);
const start = end - cfg.lookbackDays * 86400;
const keep = `timestamp > ${start} and timestamp <= ${end} and not exists (select 1 from evac where timestamp >= s and timestamp < e)`;
const bucket = `floor(((timestamp % 86400 + 86400) % 86400) / 60 / ${bm})::int`;

const levels = new Map();
for (const r of await all(`select region, device_type, median(v) as lvl from (
    select region, device_type, floor(timestamp / 86400) as d, avg(value) as v from traffic where ${keep} and ${bucket} = ${b0} group by all
  ) group by all`))
  levels.set(`${r.region}|${r.device_type}`, r.lvl);
const devices = new Map();
for (const r of await all('select distinct region, device_type from traffic')) {
  if (!devices.has(r.region)) devices.set(r.region, []);
  devices.get(r.region).push(r.device_type);
}
const counts = new Map();
for (const r of await all(`select service, region, device_type, ${bucket} as b, sum(count) as n
    from ${csv('trace-samples.csv', "'timestamp': 'DOUBLE', 'region': 'VARCHAR', 'service': 'VARCHAR', 'device_type': 'VARCHAR', 'count': 'DOUBLE'")}
    where ${keep} group by all`)) {
  const k = `${r.service}|${r.region}`;
  if (!counts.has(k)) counts.set(k, new Map());
  if (!counts.get(k).has(r.device_type)) counts.get(k).set(r.device_type, new Float64Array(nb));
  counts.get(k).get(r.device_type)[r.b] = r.n;
}
const services = (
  await all(`select service from ${csv('service-demand.csv', "'timestamp': 'VARCHAR', 'region': 'VARCHAR', 'service': 'VARCHAR', 'value': 'VARCHAR'")}
    union select service from ${csv('capacity.csv', "'region': 'VARCHAR', 'service': 'VARCHAR', 'current_capacity': 'VARCHAR', 'min_capacity': 'VARCHAR', 'max_capacity': 'VARCHAR'")}`)
).map((r) => r.service);
for (const k of counts.keys()) services.push(k.split('|')[0]);

const out = {};
for (const service of [...new Set(services)].sort()) {
  for (const region of cfg.regions.filter((r) => r !== failed)) {
    const w = cfg.steering[failed][region] ?? 0;
    const sum = (reg) => (devices.get(reg) ?? []).reduce((a, d) => a + (levels.get(`${reg}|${d}`) ?? 0), 0);
    const healthy = sum(region);
    const uniform = healthy > 0 ? (healthy + w * sum(failed)) / healthy : 1;
    const byDevice = counts.get(`${service}|${region}`) ?? new Map();
    const pool = [b0];
    const total = () => [...byDevice.values()].reduce((a, c) => a + pool.reduce((x, b) => x + c[b], 0), 0);
    for (let k = 1; total() < minSamples && pool.length < nb; k++) {
      for (const b of [(b0 - k + nb) % nb, (b0 + k) % nb]) if (!pool.includes(b)) pool.push(b);
    }
    const n = total();
    let weighted = uniform;
    if (n > 0) {
      weighted = 0;
      for (const [device, c] of byDevice) {
        const share = pool.reduce((x, b) => x + c[b], 0) / n;
        if (share === 0) continue;
        const tr = levels.get(`${region}|${device}`);
        const rho = tr === undefined || tr === 0 ? uniform : (tr + w * (levels.get(`${failed}|${device}`) ?? 0)) / tr;
        weighted += share * rho;
      }
    }
    out[`${service}|${region}`] = [weighted, uniform];
  }
}
console.log(JSON.stringify(out));
