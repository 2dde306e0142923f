import type { Plan, PlanEntry } from '../../src/report/plan-schema.ts';
import type { Report, Scenario } from '../../src/report/report-schema.ts';
import { reportSummary } from '../../src/report/report-view.ts';

/** A plan entry that passes every gate: ratio 1.5, 10 running, max 100, plenty of traces. */
export function planEntry(overrides: Partial<PlanEntry> = {}): PlanEntry {
  return {
    service: 'authz',
    baseService: 'authz',
    shard: null,
    region: 'us-east-1',
    steeringWeight: 0.8,
    configFile: 'config/services/authz.yaml',
    bucket: 10,
    weightedRatio: 1.5,
    uniformRatio: 1.5,
    uniformError: 0,
    ci95: [1.45, 1.55],
    traceSamples: 1000,
    pooledBuckets: [10],
    deviceContributions: [{ deviceType: 'tv', share: 1, ratio: 1.5, contribution: 1.5 }],
    currentCapacity: 10,
    minCapacity: 5,
    maxCapacity: 100,
    requiredCapacity: 17,
    uniformRequiredCapacity: 17,
    targetMinCapacity: 17,
    targetMaxCapacity: 100,
    headroom: 0.1,
    scalableTarget: { serviceNamespace: 'ecs', resourceId: 'service/prod/authz', scalableDimension: 'ecs:service:DesiredCount', allowMaxIncrease: false },
    demand: null,
    flags: [],
    ...overrides,
  };
}

/** An entry that needs `required` against a max of `max`, flagged exceeds-max. */
export function exceedingEntry(required: number, max: number, overrides: Partial<PlanEntry> = {}): PlanEntry {
  return planEntry({ requiredCapacity: required, maxCapacity: max, targetMaxCapacity: max, targetMinCapacity: max, flags: ['exceeds-max'], ...overrides });
}

export function plan(overrides: Partial<Plan> = {}): Plan {
  return {
    schemaVersion: 1,
    kind: 'evac-plan',
    failedRegion: 'us-west-2',
    at: '2026-11-23T10:59:59.000Z',
    bucket: 10,
    bucketMinutes: 60,
    windowMinutes: 0,
    windowBuckets: [10],
    lookbackDays: 2,
    dataEnd: '2026-11-23T10:30:00.000Z',
    source: 'files in data',
    configDir: 'config',
    healthyRegions: [{ region: 'us-east-1', steeringWeight: 0.8 }],
    unreachableRegions: [],
    fingerprint: 'sha256:0',
    warnings: [],
    services: [planEntry()],
    meta: { apiCalls: {}, totalApiCalls: 0 },
    ...overrides,
  };
}

export function scenario(overrides: Partial<Scenario> = {}): Scenario {
  return {
    failedRegion: 'us-west-2',
    ready: true,
    reason: 'all 1 service-regions pass the gate (exceeds-max)',
    receivingRegions: [{ region: 'us-east-1', steeringWeight: 0.8, peakBucket: 10, peakTraffic: 290 }],
    idleRegions: [],
    plans: [plan()],
    failures: [],
    lowConfidence: [],
    ...overrides,
  };
}

export function report(overrides: Partial<Report> = {}): Report {
  const scenarios = overrides.scenarios ?? [scenario()];
  return {
    schemaVersion: 1,
    kind: 'evac-report',
    generatedAt: '2026-11-23T18:00:00.000Z',
    source: 'files in data',
    configDir: 'config',
    dataEnd: '2026-11-23T10:30:00.000Z',
    warnings: [],
    bucketMinutes: 60,
    lookbackDays: 2,
    mode: 'peak-bucket',
    gate: { failOn: ['exceeds-max'], wideInterval: 0.1 },
    ready: scenarios.every((s) => s.ready),
    summary: reportSummary(scenarios),
    scenarios,
    capacityTotals: [],
    comparison: null,
    meta: { apiCalls: {}, totalApiCalls: 0 },
    ...overrides,
  };
}
