import { createHash } from 'node:crypto';
import type { LoadedConfig, LoadedServiceConfig } from '../config/load-config.ts';
import { type PlanUnit, planUnits, resolveScope, type ScopedServiceConfig } from '../config/resolve-scope.ts';
import { EvacError } from '../errors.ts';
import { bucketOf, bucketsCovered, bucketTimes } from '../model/bucket.ts';
import { capacityRescale } from '../model/capacity-rescale.ts';
import { capacityTarget, requiredCapacity } from '../model/capacity-target.ts';
import { type EvacuationRatio, evacuationRatio } from '../model/evacuation-ratio.ts';
import { lookbackWindow, sampleFilter } from '../model/lookback-window.ts';
import { type TraceShares, traceShares } from '../model/trace-shares.ts';
import { PLAN_SCHEMA_VERSION, type Plan, type PlanEntry, type PlanFlag } from '../report/plan-schema.ts';
import type { DataSource, LoadResult } from '../sources/data-source.ts';
import { buildPlanIndex, type DayTypes, key, type PlanIndex, regionDayType, regionLevelsOn } from './plan-index.ts';

export interface PlanOptions {
  readonly config: LoadedConfig;
  readonly source: DataSource;
  readonly failedRegion: string;
  /** The time to plan for, epoch seconds (usually now). */
  readonly at: number;
  /** Plan for the worst bucket in [at, at + windowMinutes). */
  readonly windowMinutes?: number;
  /**
   * Use the history up to this time instead of up to `at` (the backtest plans each slice of a
   * past evacuation with the history `evac plan --at START` would use).
   */
  readonly historyEnd?: number;
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
    from: (options.historyEnd ?? at) - evac.lookbackDays * 86_400,
    to: options.historyEnd ?? at,
  });
  const { data } = loaded;
  if (data.traffic.length === 0) throw new EvacError('no regional traffic data: cannot compute evacuation ratios', { hint: 'check the data source' });

  let latest = Number.NEGATIVE_INFINITY;
  for (const s of data.traffic) if (s.t > latest) latest = s.t;
  const window = lookbackWindow(options.historyEnd ?? at, latest, evac.lookbackDays);
  const windowBuckets = bucketsCovered(at, windowMinutes, evac.bucketMinutes);
  const times = bucketTimes(at, windowMinutes, evac.bucketMinutes);
  const dayTypes: DayTypes = { rule: evac.dayTypes, timeZones: evac.timeZones };
  // The buckets capacity was observed in too: their nominal demand rescales capacity when no sample is near.
  const capacityBuckets = data.capacity.flatMap((c) => (c.observedAt === undefined || c.observedAt === null ? [] : [bucketOf(c.observedAt, evac.bucketMinutes)]));
  const index = buildPlanIndex(data, sampleFilter(window, data.evacuations), evac.bucketMinutes, new Set([...windowBuckets, ...capacityBuckets]), dayTypes);
  const windowSlots = windowBuckets.map((bucket, k) => ({ bucket, t: times[k] ?? at }));

  const units = [...configured, ...unconfiguredUnits(configured, data, healthyRegions)];
  const unreachable = new Set(loaded.unreachable.map((u) => u.region));
  const services: PlanEntry[] = [];
  for (const unit of units) {
    for (const region of healthyRegions) {
      const scope = unit.scopes.find((s) => s.region === region) ?? defaultScope(unit.unit, region);
      const entry = planEntry({ index, scope, unit, failedRegion, weight: steering[region] ?? 0, windowSlots, dayTypes, config });
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
  /** Each bucket of the window with the time it is planned for (its day type). */
  readonly windowSlots: readonly { readonly bucket: number; readonly t: number }[];
  readonly dayTypes: DayTypes;
  readonly config: LoadedConfig;
}

function planEntry(input: EntryInput): PlanEntry & { flags: PlanFlag[] } {
  const { index, scope, unit, failedRegion, weight, windowSlots, dayTypes, config } = input;
  const defaults = config.evacuation.defaults;
  const minSamples = scope.minTraceSamples ?? defaults.minTraceSamples;
  const headroom = scope.headroom ?? defaults.headroom;
  const counts = index.traceCounts.get(key(scope.region, scope.traceName)) ?? new Map<string, Float64Array>();

  // The worst bucket of the window sizes the plan; ties keep the earliest. When capacity was
  // observed at a known hour it is carried to each bucket by demand, so the bucket that needs
  // the most capacity is the one with the most predicted demand (nominal demand x ratio).
  const unitKey = key(scope.region, scope.name);
  const timed = windowSlots.length > 1 && (index.capacity.get(unitKey)?.observedAt ?? null) !== null;
  const slotDemand = timed ? windowSlots.map(({ bucket, t }) => index.demand.levelOn(unitKey, bucket, regionDayType(dayTypes, scope.region, t))?.value) : [];
  const byDemand = timed && slotDemand.every((v) => v !== undefined);
  let peak: { bucket: number; t: number; shares: TraceShares; ratio: EvacuationRatio; fallback: boolean; score: number } | undefined;
  let uniformMax = 0;
  for (const [k, { bucket, t }] of windowSlots.entries()) {
    const shares = traceShares(counts, bucket, index.bucketCount, minSamples);
    const healthy = regionLevelsOn(index, scope.region, bucket, regionDayType(dayTypes, scope.region, t));
    const failed = regionLevelsOn(index, failedRegion, bucket, regionDayType(dayTypes, failedRegion, t));
    const ratio = evacuationRatio(shares, healthy, failed, weight);
    uniformMax = Math.max(uniformMax, ratio.uniformRatio);
    const score = byDemand ? ratio.weightedRatio * (slotDemand[k] ?? 0) : ratio.weightedRatio;
    if (!peak || score > peak.score) peak = { bucket, t, shares, ratio, fallback: healthy.fallback || failed.fallback, score };
  }
  if (!peak) throw new Error('planEntry requires at least one bucket');
  const { shares, ratio } = peak;

  const flags: PlanFlag[] = [];
  if (unit.file === null) flags.push('default-config');
  flags.push(...shares.flags, ...ratio.flags);

  const demandLevel = index.demand.levelOn(key(scope.region, scope.name), peak.bucket, regionDayType(dayTypes, scope.region, peak.t));
  const nominalDemand = demandLevel?.value;

  const capacity = index.capacity.get(key(scope.region, scope.name));
  const current = capacity?.current ?? null;
  const observedAt = capacity?.observedAt ?? null;
  const rescale =
    observedAt === null
      ? undefined
      : capacityRescale({
          observedAt,
          observedBucket: bucketOf(observedAt, index.bucketMinutes),
          plannedBucket: peak.bucket,
          plannedDemand: nominalDemand,
          sampleAtObservation: index.demandAtCapacity.get(key(scope.region, scope.name)),
          nominalAtObservation: index.demand.levelOn(key(scope.region, scope.name), bucketOf(observedAt, index.bucketMinutes), regionDayType(dayTypes, scope.region, observedAt))?.value,
        });
  // Capacity carried to the planned bucket: current x (D[s,r,b] / demand at observation).
  const scaledCurrent = current === null ? null : current * (rescale?.factor ?? 1);
  const target = scope.scalableTarget ?? null;
  let planned: { requiredCapacity: number; targetMinCapacity: number; targetMaxCapacity: number; uniformRequiredCapacity: number } | null = null;
  if (capacity && scaledCurrent !== null) {
    if (rescale) flags.push('capacity-rescaled');
    const t = capacityTarget({ current: scaledCurrent, ratio: ratio.weightedRatio, headroom, min: capacity.min, max: capacity.max, allowMaxIncrease: target?.allowMaxIncrease ?? false });
    if (t.exceedsMax) flags.push('exceeds-max');
    if (t.targetMaxCapacity > capacity.max) flags.push('raises-max');
    planned = { ...t, uniformRequiredCapacity: requiredCapacity(scaledCurrent, uniformMax, headroom) };
  } else {
    flags.push('capacity-unknown');
  }
  if (!target) flags.push('no-scalable-target');

  if (nominalDemand === undefined) flags.push('no-demand-data');
  if (peak.fallback || demandLevel?.fallback) flags.push('day-type-fallback');

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
    capacityRescale: rescale ? { factor: rescale.factor, observedAt: new Date(rescale.observedAt * 1000).toISOString(), demandAtObservation: rescale.demandAtObservation, from: rescale.from } : null,
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
