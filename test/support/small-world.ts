import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

/**
 * A hand-computable data set (see test/services/plan.test.ts for the arithmetic).
 * Regions us-east-1 and eu-west-1 absorb us-west-2 (0.8 / 0.2); 60-minute buckets,
 * 2 days of lookback; one past evacuation that hides a spike.
 */
export const SMALL_WORLD = {
  'config/evacuation.yaml': `regions: [us-east-1, us-west-2, eu-west-1]
bucketMinutes: 60
lookbackDays: 2
steering:
  us-west-2: {us-east-1: 0.8, eu-west-1: 0.2}
defaults:
  headroom: 0.1
  minTraceSamples: 10
# The hand-computed figures are medians over all dates (11-21 and 11-22 are a weekend).
dayTypes: all
`,
  'config/services/authz.yaml': `service: authz
scalableTarget:
  serviceNamespace: ecs
  resourceId: service/prod-{region}/authz
  scalableDimension: ecs:service:DesiredCount
overrides:
  - region: eu-west-1
    headroom: 0.2
`,
  'config/services/drm-fairplay.yaml': `service: drm-fairplay
traceName: fairplay
scalableTarget:
  serviceNamespace: ecs
  resourceId: service/prod/drm-fairplay
  scalableDimension: ecs:service:DesiredCount
`,
  'data/device-traffic.csv': `timestamp,region,device_type,value
2026-11-21T10:00:00Z,us-east-1,tv,10000
2026-11-21T10:45:00Z,us-east-1,tv,130
2026-11-22T10:00:00Z,us-east-1,tv,100
2026-11-22T10:30:00Z,us-east-1,tv,120
2026-11-23T10:00:00Z,us-east-1,tv,90
2026-11-23T10:30:00Z,us-east-1,tv,5000
2026-11-22T10:00:00Z,us-east-1,ios,50
2026-11-23T10:00:00Z,us-east-1,ios,70
2026-11-22T11:00:00Z,us-east-1,tv,100
2026-11-22T10:00:00Z,us-west-2,tv,40
2026-11-23T10:00:00Z,us-west-2,tv,60
2026-11-22T10:00:00Z,us-west-2,ios,100
2026-11-22T11:00:00Z,us-west-2,tv,500
2026-11-22T10:00:00Z,eu-west-1,tv,200
`,
  'data/trace-samples.csv': `timestamp,region,service,device_type,count
2026-11-23T10:05:00Z,us-east-1,authz,tv,30
2026-11-23T10:05:00Z,us-east-1,authz,ios,10
2026-11-22T10:10:00Z,us-east-1,authz,tv,30
2026-11-22T10:10:00Z,us-east-1,authz,ios,30
2026-11-23T10:00:00Z,us-east-1,fairplay,ios,4
2026-11-23T09:00:00Z,us-east-1,fairplay,ios,8
2026-11-23T10:00:00Z,us-east-1,tv-ui,tv,50
`,
  'data/service-demand.csv': `timestamp,region,service,value
2026-11-22T10:00:00Z,us-east-1,authz,1000
2026-11-23T10:00:00Z,us-east-1,authz,1200
`,
  'data/capacity.csv': `region,service,current_capacity,min_capacity,max_capacity
us-east-1,authz,10,5,100
eu-west-1,authz,10,10,20
us-east-1,drm-fairplay,6,2,12
us-east-1,tv-ui,11,11,50
`,
  'data/evacuations.csv': `start,end,failed_region
2026-11-23T10:20:00Z,2026-11-23T10:40:00Z,us-west-2
`,
} as const;

export interface World {
  readonly root: string;
  readonly configDir: string;
  readonly dataDir: string;
}

/** Writes a world (SMALL_WORLD with some files replaced or removed) into a fresh temp dir. */
export function writeWorld(changes: Record<string, string | null> = {}): World {
  const root = mkdtempSync(path.join(tmpdir(), 'evac-world-'));
  const files: Record<string, string | null> = { ...SMALL_WORLD, ...changes };
  for (const [rel, content] of Object.entries(files)) {
    if (content === null) continue;
    const file = path.join(root, rel);
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, content);
  }
  return { root, configDir: path.join(root, 'config'), dataDir: path.join(root, 'data') };
}

export const SMALL_WORLD_AT = Date.parse('2026-11-23T10:30:00Z') / 1000;
