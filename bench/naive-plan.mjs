// The naive reference: the README's method ("The method, exactly") for one plan bucket, in
// plain Node: readFileSync + split, Maps, no validation. Default config only (bucketMinutes,
// lookbackDays, steering, minTraceSamples from evacuation.yaml; no services/*.yaml).
// Usage: node bench/naive-plan.mjs DATA_DIR CONFIG_DIR FAILED_REGION AT_ISO
// Prints {"service|region": [weightedRatio, uniformRatio]} as JSON.
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';

const [dataDir, configDir, failed, atIso] = process.argv.slice(2);
const cfg = parse(readFileSync(`${configDir}/evacuation.yaml`, 'utf8'));
const at = Date.parse(atIso) / 1000;
const bm = cfg.bucketMinutes;
const minSamples = cfg.defaults?.minTraceSamples ?? 100;
const bucketOf = (t) => Math.floor((((t % 86400) + 86400) % 86400) / 60 / bm);
const nb = Math.floor(1440 / bm);
const b0 = bucketOf(at);
const time = (s) => (/^\d+(\.\d+)?$/.test(s) ? Number(s) : Date.parse(s) / 1000);

function rows(name) {
  const lines = readFileSync(`${dataDir}/${name}`, 'utf8').split('\n');
  const header = lines[0].split(',');
  const out = [];
  for (let i = 1; i < lines.length; i++) {
    if (lines[i] === '') continue;
    const f = lines[i].split(',');
    const row = {};
    for (let c = 0; c < header.length; c++) row[header[c]] = f[c];
    out.push(row);
  }
  return out;
}

const traffic = rows('device-traffic.csv');
let evacuations = [];
try {
  evacuations = rows('evacuations.csv').map((e) => [time(e.start), time(e.end)]);
} catch {}
let latest = -Infinity;
for (const r of traffic) latest = Math.max(latest, time(r.timestamp));
const end = Math.min(at, latest);
const start = end - cfg.lookbackDays * 86400;
const keep = (t) => t > start && t <= end && !evacuations.some(([s, e]) => t >= s && t < e);

// T[r,d,b0]: median over dates of the date's mean. devices per region from all rows.
const cells = new Map(); // region|device -> day -> [sum, n]
const devices = new Map();
for (const r of traffic) {
  if (!devices.has(r.region)) devices.set(r.region, new Set());
  devices.get(r.region).add(r.device_type);
  const t = time(r.timestamp);
  if (!keep(t) || bucketOf(t) !== b0) continue;
  const k = `${r.region}|${r.device_type}`;
  if (!cells.has(k)) cells.set(k, new Map());
  const day = Math.floor(t / 86400);
  const c = cells.get(k).get(day) ?? [0, 0];
  c[0] += Number(r.value);
  c[1] += 1;
  cells.get(k).set(day, c);
}
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const level = (region, device) => {
  const days = cells.get(`${region}|${device}`);
  return days && days.size > 0 ? median([...days.values()].map(([s, n]) => s / n)) : undefined;
};

// n[s,r,d,b] over the history.
const counts = new Map(); // service|region -> device -> Float64Array
for (const r of rows('trace-samples.csv')) {
  const t = time(r.timestamp);
  if (!keep(t)) continue;
  const k = `${r.service}|${r.region}`;
  if (!counts.has(k)) counts.set(k, new Map());
  const byDevice = counts.get(k);
  if (!byDevice.has(r.device_type)) byDevice.set(r.device_type, new Float64Array(nb));
  byDevice.get(r.device_type)[bucketOf(t)] += Number(r.count);
}
const services = new Set([...counts.keys()].map((k) => k.split('|')[0]));
for (const name of ['service-demand.csv', 'capacity.csv']) for (const r of rows(name)) services.add(r.service);

const out = {};
const steering = cfg.steering[failed];
for (const service of [...services].sort()) {
  for (const region of cfg.regions.filter((r) => r !== failed)) {
    const w = steering[region] ?? 0;
    const sum = (reg) => [...(devices.get(reg) ?? [])].reduce((a, d) => a + (level(reg, d) ?? 0), 0);
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
        const tr = level(region, device);
        const rho = tr === undefined || tr === 0 ? uniform : (tr + w * (level(failed, device) ?? 0)) / tr;
        weighted += share * rho;
      }
    }
    out[`${service}|${region}`] = [weighted, uniform];
  }
}
console.log(JSON.stringify(out));
