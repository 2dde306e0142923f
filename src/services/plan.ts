import { createHash } from 'node:crypto';
import type { LoadedConfig, LoadedServiceConfig } from '../config/load-config.ts';
import { type PlanUnit, planUnits, resolveScope, type ScopedServiceConfig } from '../config/resolve-scope.ts';
import { EvacError } from '../errors.ts';
import { bucketOf, bucketsCovered } from '../model/bucket.ts';
import { capacityTarget, requiredCapacity } from '../model/capacity-target.ts';
import { type EvacuationRatio, evacuationRatio } from '../model/evacuation-ratio.ts';
import { lookbackWindow, sampleFilter } from '../model/lookback-window.ts';
import { type TraceShares, traceShares } from '../model/trace-shares.ts';
import { PLAN_SCHEMA_VERSION, type Plan, type PlanEntry, type PlanFlag } from '../report/plan-schema.ts';
import type { DataSource, LoadResult } from '../sources/data-source.ts';
import { buildPlanIndex, key, type PlanIndex, regionLevels } from './plan-index.ts';

export interface PlanOptions {
  readonly config: LoadedConfig;
  readonly source: DataSource;
  readonly failedRegion: string;
  /** The time to plan for, epoch seconds (usually now). */
  readonly at: number;
  /** Plan for the worst bucket in [at, at + windowMinutes). */
  readonly windowMinutes?: number;
}

/**
 * Plans an evacuation of `failedRegion`: for every service (configured, or seen in the
 * data) and every healthy region, the device-type weighted evacuation ratio, the uniform
 * ratio for comparison, and the capacity to pre-scale to.
 */
export async function planEvacuation(options: PlanOptions): Promise<Plan> {
  const { config, failedRegion, at } = options;
  const windowMinutes = options.windowMinutes ?? 0;
  const evac = config.evacuation;
  checkFailedRegion(config, failedRegion);
  const steering = evac.steering[failedRegion] ?? {};
  const healthyRegions = evac.regions.filter((r) => r !== failedRegion);

  const configured = configuredScopes(config, healthyRegions);
  const loaded = await options.source.load({
    config,
    scopes: configured.flatMap((c) => c.scopes),
    from: at - evac.lookbackDays * 86_400,
    to: at,
  });
  const { data } = loaded;
  if (data.traffic.length === 0) throw new EvacError('no regional traffic data: cannot compute evacuation ratios', { hint: 'check the data source' });

  let latest = loaded.latestTraffic ?? Number.NEGATIVE_INFINITY;
  if (loaded.latestTraffic === undefined) for (const s of data.traffic) if (s.t > latest) latest = s.t;
  const window = lookbackWindow(at, latest, evac.lookbackDays);
  const windowBuckets = bucketsCovered(at, windowMinutes, evac.bucketMinutes);
  const index = buildPlanIndex(data, sampleFilter(window, data.evacuations), evac.bucketMinutes, new Set(windowBuckets));

  const units = [...configured, ...unconfiguredUnits(configured, data, healthyRegions)];
  const unreachable = new Set(loaded.unreachable.map((u) => u.region));
  const services: PlanEntry[] = [];
  for (const unit of units) {
    for (const region of healthyRegions) {
      const scope = unit.scopes.find((s) => s.region === region) ?? defaultScope(unit.unit, region);
      const entry = planEntry({ index, scope, unit, failedRegion, weight: steering[region] ?? 0, windowBuckets, config });
      if (unreachable.has(region)) entry.flags.push('region-unreachable');
      if (unreachable.has(failedRegion)) entry.flags.push('failed-region-unreachable');
      services.push(entry);
    }
  }
  services.sort((a, b) => a.service.localeCompare(b.service) || a.region.localeCompare(b.region));

  return {
    schemaVersion: PLAN_SCHEMA_VERSION,
    kind: 'evac-plan',
    failedRegion,
    at: new Date(at * 1000).toISOString(),
    bucket: bucketOf(at, evac.bucketMinutes),
    bucketMinutes: evac.bucketMinutes,
    windowMinutes,
    windowBuckets,
    lookbackDays: evac.lookbackDays,
    dataEnd: new Date(window.end * 1000).toISOString(),
    source: loaded.description,
    configDir: config.dir,
    healthyRegions: healthyRegions.map((region) => ({ region, steeringWeight: steering[region] ?? 0 })),
    unreachableRegions: [...loaded.unreachable],
    fingerprint: planFingerprint(services),
    services,
    meta: apiMeta(loaded),
  };
}

interface UnitScopes {
  readonly unit: PlanUnit;
  readonly file: string | null;
  readonly scopes: readonly ScopedServiceConfig[];
}

function checkFailedRegion(config: LoadedConfig, failedRegion: string): void {
  const file = `${config.dir}/evacuation.yaml`;
  if (!config.evacuation.regions.includes(failedRegion)) {
    throw new EvacError(`unknown region "${failedRegion}": expected one of ${config.evacuation.regions.join(', ')}`, { hint: `regions are listed in ${file}` });
  }
  if (!config.evacuation.steering[failedRegion]) {
    throw new EvacError(`${file}: steering has no entry for "${failedRegion}": expected the fraction of its traffic each healthy region receives`, {
      hint: `add e.g. "steering: {${failedRegion}: {<region>: 0.5, ...}}"`,
    });
  }
}

function configuredScopes(config: LoadedConfig, regions: readonly string[]): UnitScopes[] {
  return config.services.flatMap((s: LoadedServiceConfig) =>
    planUnits(s.config).map((unit) => ({ unit, file: s.file, scopes: regions.map((r) => resolveScope(s.config, unit, r)) })),
  );
}

/** Services seen in capacity, demand or trace data that no config describes. */
function unconfiguredUnits(configured: readonly UnitScopes[], data: LoadResult['data'], regions: readonly string[]): UnitScopes[] {
  const known = new Set<string>();
  for (const u of configured) {
    known.add(u.unit.name);
    for (const s of u.scopes) known.add(s.traceName);
  }
  const names = new Set<string>();
  for (const rows of [data.capacity, data.demand, data.traces]) for (const r of rows) if (!known.has(r.service)) names.add(r.service);
  return [...names].sort().map((name) => {
    const unit = { name, service: name };
    return { unit, file: null, scopes: regions.map((r) => defaultScope(unit, r)) };
  });
}

function defaultScope(unit: PlanUnit, region: string): ScopedServiceConfig {
  return { ...unit, region, traceName: unit.name };
}

interface EntryInput {
  readonly index: PlanIndex;
  readonly scope: ScopedServiceConfig;
  readonly unit: UnitScopes;
  readonly failedRegion: string;
  readonly weight: number;
  readonly windowBuckets: readonly number[];
  readonly config: LoadedConfig;
}

function planEntry(input: EntryInput): PlanEntry & { flags: PlanFlag[] } {
  const { index, scope, unit, failedRegion, weight, windowBuckets, config } = input;
  const defaults = config.evacuation.defaults;
  const minSamples = scope.minTraceSamples ?? defaults.minTraceSamples;
  const headroom = scope.headroom ?? defaults.headroom;
  const counts = index.traceCounts.get(key(scope.region, scope.traceName)) ?? new Map<string, Float64Array>();

  // The worst bucket of the window sizes the plan; ties keep the earliest.
  let peak: { bucket: number; shares: TraceShares; ratio: EvacuationRatio } | undefined;
  let uniformMax = 0;
  for (const bucket of windowBuckets) {
    const shares = traceShares(counts, bucket, index.bucketCount, minSamples);
    const ratio = evacuationRatio(shares, { levels: regionLevels(index, scope.region, bucket) }, { levels: regionLevels(index, failedRegion, bucket) }, weight);
    uniformMax = Math.max(uniformMax, ratio.uniformRatio);
    if (!peak || ratio.weightedRatio > peak.ratio.weightedRatio) peak = { bucket, shares, ratio };
  }
  if (!peak) throw new Error('planEntry requires at least one bucket');
  const { shares, ratio } = peak;

  const flags: PlanFlag[] = [];
  if (unit.file === null) flags.push('default-config');
  flags.push(...shares.flags, ...ratio.flags);

  const capacity = index.capacity.get(key(scope.region, scope.name));
  const current = capacity?.current ?? null;
  const target = scope.scalableTarget ?? null;
  let planned: { requiredCapacity: number; targetMinCapacity: number; targetMaxCapacity: number; uniformRequiredCapacity: number } | null = null;
  if (capacity && current !== null) {
    const t = capacityTarget({ current, ratio: ratio.weightedRatio, headroom, min: capacity.min, max: capacity.max, allowMaxIncrease: target?.allowMaxIncrease ?? false });
    if (t.exceedsMax) flags.push('exceeds-max');
    if (t.targetMaxCapacity > capacity.max) flags.push('raises-max');
    planned = { ...t, uniformRequiredCapacity: requiredCapacity(current, uniformMax, headroom) };
  } else {
    flags.push('capacity-unknown');
  }
  if (!target) flags.push('no-scalable-target');

  const nominalDemand = index.demand.level(key(scope.region, scope.name), peak.bucket);
  if (nominalDemand === undefined) flags.push('no-demand-data');

  return {
    service: scope.name,
    baseService: scope.service,
    shard: scope.shard ?? null,
    region: scope.region,
    steeringWeight: weight,
    configFile: unit.file,
    bucket: peak.bucket,
    weightedRatio: ratio.weightedRatio,
    uniformRatio: uniformMax,
    uniformError: uniformMax / ratio.weightedRatio - 1,
    ci95: [ratio.ci95[0], ratio.ci95[1]],
    traceSamples: shares.total,
    pooledBuckets: [...shares.buckets],
    deviceContributions: ratio.contributions.map((c) => ({ ...c })),
    currentCapacity: current,
    minCapacity: capacity?.min ?? null,
    maxCapacity: capacity?.max ?? null,
    requiredCapacity: planned?.requiredCapacity ?? null,
    uniformRequiredCapacity: planned?.uniformRequiredCapacity ?? null,
    targetMinCapacity: planned?.targetMinCapacity ?? null,
    targetMaxCapacity: planned?.targetMaxCapacity ?? null,
    headroom,
    scalableTarget: target,
    demand:
      nominalDemand === undefined
        ? null
        : {
            nominal: nominalDemand,
            predicted: nominalDemand * ratio.weightedRatio,
            byDevice: ratio.contributions.map((c) => ({ deviceType: c.deviceType, predicted: nominalDemand * c.contribution })),
          },
    flags,
  };
}

/** sha256 over every target's observed Min/Max, in a stable order. */
export function planFingerprint(entries: readonly PlanEntry[]): string {
  const lines = entries
    .filter((e) => e.scalableTarget)
    .map((e) => `${e.region}|${e.scalableTarget?.serviceNamespace}|${e.scalableTarget?.resourceId}|${e.scalableTarget?.scalableDimension}|${e.minCapacity}|${e.maxCapacity}`)
    .sort();
  return `sha256:${createHash('sha256').update(lines.join('\n')).digest('hex')}`;
}

function apiMeta(loaded: LoadResult): Plan['meta'] {
  const apiCalls = { ...loaded.apiCalls };
  return { apiCalls, totalApiCalls: Object.values(apiCalls).reduce((a, b) => a + b, 0) };
}
