import { createHash } from 'node:crypto';
import type { LoadedConfig, LoadedServiceConfig } from '../config/load-config.ts';
import { type PlanUnit, planUnits, resolveScope, type ScopedServiceConfig } from '../config/resolve-scope.ts';
import { BugError, EvacError } from '../errors.ts';
import { bucketLabel, bucketOf, bucketsCovered, bucketTimes } from '../model/bucket.ts';
import { capacityRescale } from '../model/capacity-rescale.ts';
import { capacityTarget, requiredCapacity } from '../model/capacity-target.ts';
import { type DayType, type DayTypes, regionDayType } from '../model/day-type.ts';
import { type EvacuationRatio, hasHistory, isUnbounded, type RegionRatios, regionRatios, serviceRatio } from '../model/evacuation-ratio.ts';
import { type LookbackWindow, lookbackWindow, sampleFilter } from '../model/lookback-window.ts';
import { compareNames } from '../model/name-order.ts';
import { type BucketCounts, type TraceShares, traceShares } from '../model/trace-shares.ts';
import type { DeviceContribution } from '../model/weighted-ratio.ts';
import { PLAN_SCHEMA_VERSION, type Plan, type PlanEntry, type PlanFlag, PlanSchema } from '../report/plan-schema.ts';
import { type Guard, schemaGuard } from '../report/schema-guard.ts';
import type { DataSource, LoadResult } from '../sources/data-source.ts';
import { dataBoundProblem } from '../sources/number-bounds.ts';
import { FUTURE_TOLERANCE_SECONDS, STALE_DATA_SECONDS } from './data-age.ts';
import { planBuckets } from './plan-buckets.ts';
import { buildPlanIndex, type PlanIndex, regionLevels, regionLevelsOn } from './plan-index.ts';

export interface PlanOptions {
  readonly config: LoadedConfig;
  readonly source: DataSource;
  readonly failedRegion: string;
  /** The time to plan for, epoch seconds (usually now). */
  readonly at: number;
  /** Plan for the worst bucket in [at, at + windowMinutes). */
  readonly windowMinutes?: number;
  /**
   * Plan even when the failed region or a receiving region has no traffic sample in a planned
   * bucket (entries flagged `no-history`), or a receiving region's samples there are all 0
   * while the failed region sends it traffic (`unbounded-ratio`). Otherwise that is refused
   * (EvacError, exit 2): a ratio of 1 there would be a silent wrong answer. Reports set it and
   * gate on the flags.
   */
  readonly allowPartialHistory?: boolean;
  /** The clock, epoch seconds (read at the edge): traffic samples after now + 1 day are reported. */
  readonly now?: number;
  /** Data ending more than this before `at` is flagged `stale-data`; default 2 days. */
  readonly staleAfterSeconds?: number;
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
  const scopes = configured.flatMap((c) => c.scopes);
  const loaded = await options.source.load({
    config,
    scopes,
    from: (options.historyEnd ?? at) - evac.lookbackDays * 86_400,
    to: options.historyEnd ?? at,
    buckets: planBuckets({
      windowBuckets: bucketsCovered(at, windowMinutes, evac.bucketMinutes),
      bucketMinutes: evac.bucketMinutes,
      lookbackDays: evac.lookbackDays,
      historyEnd: options.historyEnd ?? at,
      minTraceSamples: Math.max(evac.defaults.minTraceSamples, ...scopes.map((s) => s.minTraceSamples ?? 0)),
    }),
  });
  const { data } = loaded;
  const bound = dataBoundProblem(data);
  if (bound) throw new EvacError(`${loaded.description}: ${bound}`, { hint: 'see README, "Data files": numbers are 0 or between 1e-9 and 1e15' });
  if (data.traffic.length === 0) throw new EvacError('no regional traffic data: cannot compute evacuation ratios', { hint: 'check the data source' });

  let latest = Number.NEGATIVE_INFINITY;
  let latestUpToAt = Number.NEGATIVE_INFINITY;
  let future = 0;
  const futureAfter = options.now === undefined ? Number.POSITIVE_INFINITY : options.now + FUTURE_TOLERANCE_SECONDS;
  const time = (t: number) => {
    if (t > latest) latest = t;
    if (t <= at && t > latestUpToAt) latestUpToAt = t;
    if (t > futureAfter) future += 1;
  };
  if (data.traffic.rows)
    data.traffic.rows.forEach((_series, t) => {
      time(t);
    });
  else for (const s of data.traffic) time(s.t);
  // A source of aggregates says where its traffic ends (see LoadResult.latestTraffic).
  if (loaded.latestTraffic !== undefined) latest = loaded.latestTraffic;
  const window = lookbackWindow(options.historyEnd ?? at, latest, evac.lookbackDays);
  const windowBuckets = bucketsCovered(at, windowMinutes, evac.bucketMinutes);
  const times = bucketTimes(at, windowMinutes, evac.bucketMinutes);
  const dayTypes: DayTypes = { rule: evac.dayTypes, timeZones: evac.timeZones };
  // The buckets capacity was observed in too: their nominal demand rescales capacity when no sample is near.
  const capacityBuckets = data.capacity.flatMap((c) =>
    c.observedAt === undefined || c.observedAt === null ? [] : [bucketOf(c.observedAt, evac.bucketMinutes)],
  );
  const index = buildPlanIndex(data, sampleFilter(window, data.evacuations), evac.bucketMinutes, new Set([...windowBuckets, ...capacityBuckets]), dayTypes);
  // Each region's nominal traffic at each slot, the same for every entry: found once.
  const windowSlots = windowBuckets.map((bucket, k) => {
    const t = times[k] ?? at;
    const types = new Map(evac.regions.map((region) => [region, regionDayType(dayTypes, region, t)]));
    const levels = new Map(evac.regions.map((region) => [region, regionLevelsOn(index, region, bucket, types.get(region))]));
    return { bucket, t, types, levels };
  });

  const units = [...configured, ...unconfiguredUnits(configured, data, healthyRegions)];
  const unreachable = new Set(loaded.unreachable.map((u) => u.region));
  const stale = latestUpToAt !== Number.NEGATIVE_INFINITY && at - latestUpToAt > (options.staleAfterSeconds ?? STALE_DATA_SECONDS);
  const context: EntryContext = { index, failedRegion, windowSlots, dayTypes, config };
  // Each healthy region's part of the ratios at each slot, the same for all its units: found once.
  const regionSlots = new Map(healthyRegions.map((region) => [region, windowSlots.map((slot) => regionSlot(context, slot, region, steering[region] ?? 0))]));
  const services: PlanEntry[] = [];
  for (const unit of units) {
    for (const region of healthyRegions) {
      const entry = planEntry(context, scopeIn(unit, region), unit, steering[region] ?? 0, regionSlots.get(region) ?? []);
      if (unreachable.has(region)) entry.flags.push('region-unreachable');
      if (unreachable.has(failedRegion)) entry.flags.push('failed-region-unreachable');
      if (stale) entry.flags.push('stale-data');
      services.push(entry);
    }
  }
  services.sort((a, b) => compareNames(a.service, b.service) || compareNames(a.region, b.region));

  const receivers = healthyRegions.filter((r) => (steering[r] ?? 0) > 0);
  const missing = missingHistory(index, failedRegion, receivers, windowBuckets);
  const zero = zeroBaselines(index, failedRegion, receivers, steering, windowBuckets);
  // A healthy region that could not be read is flagged region-unreachable and apply skips it:
  // it does not hold up the plan of the others. Any other gap in the history does.
  const blocking = missing.filter((m) => m.region === failedRegion || !unreachable.has(m.region));
  if ((blocking.length > 0 || zero.length > 0) && !options.allowPartialHistory) {
    throw refusal({ missing, failedRegion, window, bucketMinutes: evac.bucketMinutes, unreachable: loaded.unreachable, evacuations: data.evacuations }, zero);
  }
  const warnings: string[] = [...(loaded.warnings ?? [])];
  if (stale) {
    warnings.push(
      `the traffic data ends at ${iso(latestUpToAt)}, ${days(at - latestUpToAt)} days before the time planned for (${iso(at)}): the ratios describe that older history; entries are flagged stale-data`,
    );
  }
  if (future > 0) {
    warnings.push(
      `${future} traffic sample${future > 1 ? 's are' : ' is'} dated more than a day after now (a clock or unit error?): ignored; evac validate rejects them`,
    );
  }
  if (missing.length > 0) {
    warnings.push(
      `${noHistoryMessage({ missing, failedRegion, window, bucketMinutes: evac.bucketMinutes, unreachable: loaded.unreachable, evacuations: data.evacuations })}; entries are flagged no-history`,
    );
  }
  if (zero.length > 0) warnings.push(`${zeroBaselineMessage(zero, failedRegion, evac.bucketMinutes)}; entries are flagged unbounded-ratio`);

  const plan: Plan = {
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
    fingerprint: planFingerprint({ failedRegion, unreachableRegions: [...loaded.unreachable], services }),
    warnings,
    services,
    meta: apiMeta(loaded),
  };
  return checkedPlan(plan);
}

/**
 * The plan, checked against its schema (finite, non-negative numbers, intervals around their
 * ratio) before anyone prints or applies it. The input bounds (README, "Data files") make a
 * failure impossible, so it is a bug (exit 1), never a silent `null` in the JSON.
 */
export function checkedPlan(plan: Plan): Plan {
  // The guard compiled from PlanSchema answers "valid" in a fraction of zod's parse (a plan has
  // thousands of entries); when it does not, zod decides and words the problem.
  planGuard ??= schemaGuard(PlanSchema);
  const parsed = planGuard(plan) ? { success: true as const } : PlanSchema.safeParse(plan);
  if (!parsed.success) {
    const first = parsed.error.issues.slice(0, 5).map((i) => {
      const value = i.path.reduce<unknown>((o, k) => (o as Record<PropertyKey, unknown> | undefined)?.[k as PropertyKey], plan);
      return `${i.path.join('.')}: ${i.message} (got ${String(value)})`;
    });
    throw new BugError(`the plan breaks its own schema, so it is not printed: ${first.join('; ')}`);
  }
  for (const e of plan.services) {
    if (!(e.ci95[0] <= e.weightedRatio + 1e-9 && e.weightedRatio <= e.ci95[1] + 1e-9)) {
      throw new BugError(
        `the plan breaks its own schema, so it is not printed: ${e.service} in ${e.region}: ci95 [${e.ci95.join(', ')}] does not contain ${e.weightedRatio}`,
      );
    }
  }
  return plan;
}

let planGuard: Guard | undefined;

/** A (region, bucket) of the plan with no traffic sample in the lookback window. */
interface MissingHistory {
  readonly region: string;
  readonly bucket: number;
}

function missingHistory(index: PlanIndex, failedRegion: string, receivers: readonly string[], buckets: readonly number[]): MissingHistory[] {
  if (receivers.length === 0) return [];
  const out: MissingHistory[] = [];
  for (const region of [failedRegion, ...receivers]) {
    for (const bucket of buckets) if (!hasHistory({ levels: regionLevels(index, region, bucket) })) out.push({ region, bucket });
  }
  return out;
}

interface NoHistory {
  readonly missing: readonly MissingHistory[];
  readonly failedRegion: string;
  readonly window: LookbackWindow;
  readonly bucketMinutes: number;
  readonly unreachable: readonly { readonly region: string; readonly reason: string }[];
  /** Past evacuations: their samples are left out, which can empty a window that has data. */
  readonly evacuations: LoadResult['data']['evacuations'];
}

function noHistoryMessage(n: NoHistory): string {
  const regions = [...new Set(n.missing.map((m) => m.region))];
  const named = regions.map((r) => {
    const buckets = n.missing.filter((m) => m.region === r).map((m) => `${bucketLabel(m.bucket, n.bucketMinutes)}`);
    const shown = buckets.length > 4 ? `${buckets.slice(0, 4).join(', ')} +${buckets.length - 4} more` : buckets.join(', ');
    const role = r === n.failedRegion ? ' (the failed region)' : '';
    const down = n.unreachable.find((u) => u.region === r);
    return `${r}${role}${down ? ` could not be read (${down.reason}) and` : ''} has no traffic sample in bucket${buckets.length > 1 ? 's' : ''} ${shown} UTC`;
  });
  const overlapping = n.evacuations.filter((e) => e.end > n.window.start && e.start <= n.window.end).length;
  const left =
    overlapping > 0 ? ` (${overlapping} past evacuation${overlapping > 1 ? 's overlap' : ' overlaps'} it: samples inside are left out as not nominal)` : '';
  return `no traffic history: ${named.join('; ')}, in the lookback window (${iso(n.window.start)}, ${iso(n.window.end)}]${left}: their evacuation ratios are unknown, not 1`;
}

/** A (receiving region, bucket) whose traffic samples are all 0 while the failed region sends it `received` > 0. */
interface ZeroBaseline {
  readonly region: string;
  readonly bucket: number;
  readonly weight: number;
}

function zeroBaselines(
  index: PlanIndex,
  failedRegion: string,
  receivers: readonly string[],
  steering: Readonly<Record<string, number>>,
  buckets: readonly number[],
): ZeroBaseline[] {
  const out: ZeroBaseline[] = [];
  for (const region of receivers) {
    const weight = steering[region] ?? 0;
    for (const bucket of buckets) {
      if (isUnbounded({ levels: regionLevels(index, region, bucket) }, { levels: regionLevels(index, failedRegion, bucket) }, weight))
        out.push({ region, bucket, weight });
    }
  }
  return out;
}

function zeroBaselineMessage(zero: readonly ZeroBaseline[], failedRegion: string, bucketMinutes: number): string {
  const regions = [...new Set(zero.map((z) => z.region))];
  const named = regions.map((r) => {
    const hits = zero.filter((z) => z.region === r);
    const buckets = hits.map((z) => bucketLabel(z.bucket, bucketMinutes));
    const shown = buckets.length > 4 ? `${buckets.slice(0, 4).join(', ')} +${buckets.length - 4} more` : buckets.join(', ');
    return `${r} (steered ${((hits[0]?.weight ?? 0) * 100).toFixed(0)}% of ${failedRegion}) has traffic samples of 0 only in bucket${buckets.length > 1 ? 's' : ''} ${shown} UTC`;
  });
  return `zero baseline: ${named.join('; ')}, while ${failedRegion} sends traffic there: their evacuation ratios are unbounded, not 1`;
}

function refusal(n: NoHistory, zero: readonly ZeroBaseline[]): EvacError {
  const failedDown = n.unreachable.some((u) => u.region === n.failedRegion) && n.missing.some((m) => m.region === n.failedRegion);
  const flags = [...(n.missing.length > 0 ? ['no-history'] : []), ...(zero.length > 0 ? ['unbounded-ratio'] : [])].join(' or ');
  const hint = failedDown
    ? `the failed region's traffic must come from elsewhere: plan from precomputed history with --source aws --history DIR (made by evac precompute), or pass --allow-partial-history to plan with these entries flagged ${flags}`
    : `plan a time the data covers (--at), check the data source${zero.length > 0 ? ' (a region whose samples are all 0: its device types or metric)' : ''}, or pass --allow-partial-history to plan with these entries flagged ${flags}`;
  const parts = [
    ...(n.missing.length > 0 ? [noHistoryMessage(n)] : []),
    ...(zero.length > 0 ? [zeroBaselineMessage(zero, n.failedRegion, n.bucketMinutes)] : []),
  ];
  return new EvacError(`refusing to plan: ${parts.join('; and ')}`, { hint });
}

function iso(t: number): string {
  return new Date(t * 1000).toISOString();
}

function days(seconds: number): string {
  return (seconds / 86_400).toFixed(1);
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
  for (const c of data.capacity) if (!known.has(c.service)) names.add(c.service);
  for (const samples of [data.demand, data.traces]) {
    // A compact store names its series once: the service is their second name.
    if (samples.rows) {
      const all = samples.rows.names;
      for (let i = 0; i < all.length; i++) names.add((all[i] as readonly string[])[1] as string);
    } else for (const r of samples) names.add(r.service);
  }
  for (const name of known) names.delete(name);
  return [...names].sort().map((name) => {
    const unit = { name, service: name };
    return { unit, file: null, scopes: regions.map((r) => defaultScope(unit, r)) };
  });
}

function defaultScope(unit: PlanUnit, region: string): ScopedServiceConfig {
  // Made for every unconfigured service in every region: written out, not spread.
  const { name, service, shard } = unit;
  return shard === undefined ? { name, service, region, traceName: name } : { name, service, shard, region, traceName: name };
}

/** A region's nominal traffic at a slot of the window (see regionLevelsOn). */
type RegionLevelsAt = ReturnType<typeof regionLevelsOn>;

/** A bucket of the window with the time it is planned for, each region's day type then and its nominal traffic there (regionLevelsOn). */
interface WindowSlot {
  readonly bucket: number;
  readonly t: number;
  readonly types: ReadonlyMap<string, DayType | undefined>;
  readonly levels: ReadonlyMap<string, RegionLevelsAt>;
}

/** What every entry of a plan is planned from. */
interface EntryContext {
  readonly index: PlanIndex;
  readonly failedRegion: string;
  readonly windowSlots: readonly WindowSlot[];
  readonly dayTypes: DayTypes;
  readonly config: LoadedConfig;
}

/**
 * A healthy region's part of its services' ratios at a slot of the window (regionRatios), and
 * whether its nominal traffic or the failed region's fell back from the day type to all dates.
 */
interface RegionSlot {
  readonly ratios: RegionRatios;
  readonly fallback: boolean;
}

function regionSlot(c: EntryContext, slot: WindowSlot, region: string, weight: number): RegionSlot {
  const healthy = slot.levels.get(region) ?? regionLevelsOn(c.index, region, slot.bucket, regionDayType(c.dayTypes, region, slot.t));
  const failed = slot.levels.get(c.failedRegion) ?? regionLevelsOn(c.index, c.failedRegion, slot.bucket, regionDayType(c.dayTypes, c.failedRegion, slot.t));
  return { ratios: regionRatios(healthy, failed, weight), fallback: healthy.fallback || failed.fallback };
}

/** A region's day type at a slot of the window. */
function slotDayType(c: EntryContext, slot: WindowSlot, region: string): DayType | undefined {
  return slot.types.has(region) ? slot.types.get(region) : regionDayType(c.dayTypes, region, slot.t);
}

/** The unit's scope in a region: its config's, or the defaults. */
function scopeIn(unit: UnitScopes, region: string): ScopedServiceConfig {
  for (let i = 0; i < unit.scopes.length; i++) {
    const scope = unit.scopes[i] as ScopedServiceConfig;
    if (scope.region === region) return scope;
  }
  return defaultScope(unit.unit, region);
}

const NO_TRACES: ReadonlyMap<string, BucketCounts> = new Map();

/**
 * The entry of one unit in one healthy region. `regionSlots`: the region's part of the ratios
 * at each slot of the window (regionSlot), the same for all its units. Runs thousands of times
 * a plan, mostly before V8 optimizes it: no closure, no spread, no object per slot.
 */
function planEntry(
  c: EntryContext,
  scope: ScopedServiceConfig,
  unit: UnitScopes,
  weight: number,
  regionSlots: readonly RegionSlot[],
): PlanEntry & { flags: PlanFlag[] } {
  const { index, windowSlots, config } = c;
  const defaults = config.evacuation.defaults;
  const minSamples = scope.minTraceSamples ?? defaults.minTraceSamples;
  const headroom = scope.headroom ?? defaults.headroom;
  const counts = index.traceCounts.get(index.key(scope.region, scope.traceName)) ?? NO_TRACES;
  const unitKey = index.key(scope.region, scope.name);
  const capacity = index.capacity.get(unitKey);
  const current = capacity?.current ?? null;
  const observedAt = capacity?.observedAt ?? null;

  // The worst bucket of the window sizes the plan; ties keep the earliest. When capacity was
  // observed at a known hour it is carried to each bucket by demand, so the bucket that needs
  // the most capacity is the one with the most predicted demand (nominal demand x ratio).
  const slotDemand =
    windowSlots.length > 1 && observedAt !== null
      ? windowSlots.map((slot) => index.demand.levelOn(unitKey, slot.bucket, slotDayType(c, slot, scope.region))?.value)
      : undefined;
  const demandWeights = slotDemand?.every((v) => v !== undefined) ? slotDemand : undefined;
  let peak = -1;
  let peakScore = 0;
  let shares: TraceShares | undefined;
  let ratio: EvacuationRatio | undefined;
  let uniformMax = 0;
  let noHistory = false;
  let unbounded = false;
  for (let k = 0; k < windowSlots.length; k++) {
    const slotShares = traceShares(counts, (windowSlots[k] as WindowSlot).bucket, index.bucketCount, minSamples);
    const slotRatio = serviceRatio(slotShares, (regionSlots[k] as RegionSlot).ratios);
    uniformMax = Math.max(uniformMax, slotRatio.uniformRatio);
    // A bucket without history would hide behind the others' higher ratios: flag the entry.
    if (slotRatio.flags.includes('no-history')) noHistory = true;
    if (slotRatio.flags.includes('unbounded-ratio')) unbounded = true;
    const score = demandWeights ? slotRatio.weightedRatio * (demandWeights[k] ?? 0) : slotRatio.weightedRatio;
    if (peak < 0 || score > peakScore) {
      peak = k;
      peakScore = score;
      shares = slotShares;
      ratio = slotRatio;
    }
  }
  if (shares === undefined || ratio === undefined) throw new Error('planEntry requires at least one bucket');
  const peakSlot = windowSlots[peak] as WindowSlot;
  const bucket = peakSlot.bucket;

  const flags: PlanFlag[] = [];
  if (unit.file === null) flags.push('default-config');
  // Thousands of entries: plain loops, no spread (slow before the code is optimized).
  for (let i = 0; i < shares.flags.length; i++) flags.push(shares.flags[i] as PlanFlag);
  for (let i = 0; i < ratio.flags.length; i++) {
    const f = ratio.flags[i] as PlanFlag;
    if (f !== 'no-history' && f !== 'unbounded-ratio') flags.push(f);
  }
  if (noHistory) flags.push('no-history');
  if (unbounded) flags.push('unbounded-ratio');
  // Steered nothing, the region gets no extra traffic: it is inert (apply leaves it alone).
  const receiving = weight > 0;
  if (!receiving) flags.push('not-receiving');

  const demandLevel = index.demand.levelOn(unitKey, bucket, slotDayType(c, peakSlot, scope.region));
  const nominalDemand = demandLevel?.value;

  // Capacity carried from the hour it was observed to the planned bucket (only where it is raised).
  const rescale =
    observedAt === null || weight <= 0
      ? undefined
      : capacityRescale({
          observedAt,
          observedBucket: bucketOf(observedAt, index.bucketMinutes),
          plannedBucket: bucket,
          plannedDemand: nominalDemand,
          sampleAtObservation: index.demandAtCapacity.get(unitKey),
          nominalAtObservation: index.demand.levelOn(unitKey, bucketOf(observedAt, index.bucketMinutes), regionDayType(c.dayTypes, scope.region, observedAt))
            ?.value,
        });
  const scaledCurrent = current === null ? null : current * (rescale?.factor ?? 1);
  const target = scope.scalableTarget ?? null;
  let required: number | null = null;
  let uniformRequired: number | null = null;
  let targetMin: number | null = null;
  let targetMax: number | null = null;
  if (capacity && current !== null && !receiving) {
    required = current;
    uniformRequired = current;
    targetMin = capacity.min;
    targetMax = capacity.max;
  } else if (current === 0 && Math.max(ratio.weightedRatio, uniformMax) > 1) {
    // 0 x ratio = 0 would read "nothing to do" for a service that runs nothing where traffic
    // arrives: no capacity is planned (apply skips it) and the flag says why.
    flags.push('zero-capacity');
  } else if (capacity && scaledCurrent !== null) {
    if (rescale) flags.push('capacity-rescaled');
    const t = capacityTarget({
      current: scaledCurrent,
      ratio: ratio.weightedRatio,
      headroom,
      min: capacity.min,
      max: capacity.max,
      allowMaxIncrease: target?.allowMaxIncrease ?? false,
    });
    if (t.exceedsMax) flags.push('exceeds-max');
    if (t.targetMaxCapacity > capacity.max) flags.push('raises-max');
    required = t.requiredCapacity;
    uniformRequired = requiredCapacity(scaledCurrent, uniformMax, headroom);
    targetMin = t.targetMinCapacity;
    targetMax = t.targetMaxCapacity;
  } else {
    flags.push('capacity-unknown');
  }
  if (!target) flags.push('no-scalable-target');

  if (nominalDemand === undefined) flags.push('no-demand-data');
  if ((regionSlots[peak] as RegionSlot).fallback || demandLevel?.fallback) flags.push('day-type-fallback');

  return {
    service: scope.name,
    baseService: scope.service,
    shard: scope.shard ?? null,
    region: scope.region,
    steeringWeight: weight,
    configFile: unit.file,
    bucket,
    weightedRatio: ratio.weightedRatio,
    uniformRatio: uniformMax,
    uniformError: uniformMax / ratio.weightedRatio - 1,
    ci95: [ratio.ci95[0], ratio.ci95[1]],
    traceSamples: shares.total,
    pooledBuckets: shares.buckets.slice(),
    // The ratio's own contributions (new objects of the same fields, in the same order), not copies.
    deviceContributions: ratio.contributions.slice(),
    currentCapacity: current,
    minCapacity: capacity?.min ?? null,
    maxCapacity: capacity?.max ?? null,
    requiredCapacity: required,
    uniformRequiredCapacity: uniformRequired,
    targetMinCapacity: targetMin,
    targetMaxCapacity: targetMax,
    headroom,
    scalableTarget: target,
    capacityRescale: rescale
      ? {
          factor: rescale.factor,
          observedAt: new Date(rescale.observedAt * 1000).toISOString(),
          demandAtObservation: rescale.demandAtObservation,
          from: rescale.from,
        }
      : null,
    demand:
      nominalDemand === undefined
        ? null
        : { nominal: nominalDemand, predicted: nominalDemand * ratio.weightedRatio, byDevice: predictedByDevice(ratio.contributions, nominalDemand) },
    flags,
  };
}

/** Each device type's part of the predicted demand: nominal demand x its contribution. */
function predictedByDevice(contributions: readonly DeviceContribution[], nominal: number): NonNullable<PlanEntry['demand']>['byDevice'] {
  // Sized once: the plan keeps it (an array grown by push keeps room for more).
  const out: NonNullable<PlanEntry['demand']>['byDevice'] = new Array(contributions.length);
  for (let i = 0; i < contributions.length; i++) {
    const c = contributions[i] as DeviceContribution;
    out[i] = { deviceType: c.deviceType, predicted: nominal * c.contribution };
  }
  return out;
}

/** What apply acts on, and so what the fingerprint covers. */
export type FingerprintInput = Pick<Plan, 'failedRegion' | 'unreachableRegions' | 'services'>;

/**
 * sha256 over what apply acts on, in a stable order: the failed region, the regions that were
 * unreachable (apply skips them), and for every entry with a target: its identity, observed
 * Min/Max (the staleness check compares them with the live ones), planned Min/Max,
 * allowMaxIncrease, and whether it receives traffic (apply skips inert entries). Editing any
 * of them in a plan file changes the fingerprint, so apply refuses the file.
 */
export function planFingerprint(plan: FingerprintInput): string {
  const lines = plan.services
    .filter((e) => e.scalableTarget)
    .map((e) => {
      const t = e.scalableTarget;
      return [
        e.region,
        e.service,
        t?.serviceNamespace,
        t?.resourceId,
        t?.scalableDimension,
        t?.allowMaxIncrease,
        e.minCapacity,
        e.maxCapacity,
        e.targetMinCapacity,
        e.targetMaxCapacity,
        e.flags.includes('not-receiving') ? 'not-receiving' : 'receiving',
      ].join('|');
    })
    .sort();
  const head = [`failed|${plan.failedRegion}`, ...plan.unreachableRegions.map((u) => `unreachable|${u.region}`).sort()];
  return `sha256:${createHash('sha256')
    .update([...head, ...lines].join('\n'))
    .digest('hex')}`;
}

function apiMeta(loaded: LoadResult): Plan['meta'] {
  const apiCalls = { ...loaded.apiCalls };
  return { apiCalls, totalApiCalls: Object.values(apiCalls).reduce((a, b) => a + b, 0) };
}
