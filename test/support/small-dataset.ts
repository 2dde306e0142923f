/**
 * A small, deterministic data set in the files source's CSV format, matching the config in
 * test/aws/fixtures/config: 3 regions, 3 device types, hourly points over 2 days ending at AT.
 * The moto-backed tests seed moto from it, so the files and CloudWatch sources see the same data.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/** The time the tests plan for: the end of the data. */
export const AT = Date.parse('2026-11-22T20:00:00Z') / 1000;
export const REGIONS = ['us-east-1', 'us-west-2', 'eu-west-1'] as const;
export const DEVICES = ['tv', 'android', 'ios'] as const;
const HOURS = 48;

/** Nominal device traffic per region: mobile-heavy in eu-west-1, TV-heavy in us-east-1. */
const BASE: Record<string, Record<string, number>> = {
  'us-east-1': { tv: 600, android: 200, ios: 300 },
  'us-west-2': { tv: 300, android: 150, ios: 450 },
  'eu-west-1': { tv: 200, android: 400, ios: 150 },
};

/** Which device types call each service, and how much per unit of traffic. */
const MIX: Record<string, Record<string, number>> = {
  'drm-fairplay': { ios: 1 },
  'playback-authz': { tv: 1, android: 1, ios: 1 },
  catalog: { tv: 0.5, android: 1.5, ios: 1 },
  telemetry: { tv: 2, android: 0.2, ios: 0.2 },
};

/** capacity.csv rows: current, min, max per service (same in every region). */
export const CAPACITY: Record<string, { current: number; min: number; max: number }> = {
  'drm-fairplay': { current: 10, min: 4, max: 40 },
  'playback-authz': { current: 20, min: 10, max: 22 },
  catalog: { current: 8, min: 2, max: 9 },
};

function traffic(region: string, device: string, t: number): number {
  const hour = (t / 3600) % 24;
  return Math.round((BASE[region]?.[device] ?? 0) * (1 + 0.5 * Math.sin((2 * Math.PI * hour) / 24)));
}

/** Writes device-traffic.csv, trace-samples.csv, service-demand.csv and capacity.csv into dir. */
export function writeSmallDataset(dir: string): string {
  mkdirSync(dir, { recursive: true });
  const iso = (t: number) => new Date(t * 1000).toISOString().replace('.000Z', 'Z');
  const times = Array.from({ length: HOURS }, (_, i) => AT - (HOURS - i) * 3600);
  const trafficRows = ['timestamp,region,device_type,value'];
  const traceRows = ['timestamp,region,service,device_type,count'];
  const demandRows = ['timestamp,region,service,value'];
  for (const t of times) {
    for (const region of REGIONS) {
      for (const device of DEVICES) trafficRows.push(`${iso(t)},${region},${device},${traffic(region, device, t)}`);
      for (const [service, mix] of Object.entries(MIX)) {
        let demand = 0;
        for (const [device, weight] of Object.entries(mix)) {
          const v = traffic(region, device, t) * weight;
          demand += v;
          traceRows.push(`${iso(t)},${region},${service},${device},${Math.max(1, Math.round(v / 20))}`);
        }
        demandRows.push(`${iso(t)},${region},${service},${Math.round(demand)}`);
      }
    }
  }
  const capacityRows = ['region,service,current_capacity,min_capacity,max_capacity'];
  for (const region of REGIONS) for (const [service, c] of Object.entries(CAPACITY)) capacityRows.push(`${region},${service},${c.current},${c.min},${c.max}`);
  writeFileSync(path.join(dir, 'device-traffic.csv'), `${trafficRows.join('\n')}\n`);
  writeFileSync(path.join(dir, 'trace-samples.csv'), `${traceRows.join('\n')}\n`);
  writeFileSync(path.join(dir, 'service-demand.csv'), `${demandRows.join('\n')}\n`);
  writeFileSync(path.join(dir, 'capacity.csv'), `${capacityRows.join('\n')}\n`);
  return dir;
}
