import { z } from 'zod';

/** Every flag a plan entry may carry, with what it means (shown in reports). */
export const PLAN_FLAGS = {
  'default-config': 'no config file: planned with defaults',
  'pooled-buckets': 'too few traces in the bucket: neighbouring buckets were pooled',
  'low-samples': 'still fewer traces than minTraceSamples after pooling',
  'no-traces': 'no traces at all: the uniform ratio is used',
  'device-ratio-fallback':
    'a device type with traces has no traffic (none or 0) in the healthy region, so its own ratio would divide by 0: the uniform ratio stands in for it (low confidence)',
  'no-regional-traffic': 'the healthy region has no traffic in the bucket: ratio 1 (cannot be scaled from data)',
  'day-type-fallback': 'fewer than 2 dates of the planned day type (weekday/weekend) in the history: nominal levels over all dates',
  'capacity-rescaled': 'capacity was observed at another hour: scaled by the demand ratio between that hour and the planned bucket',
  'no-history': 'the failed or the healthy region has no traffic sample in the bucket in the lookback window: the ratio is unknown, not 1',
  'unbounded-ratio': 'the healthy region is steered traffic but its traffic samples in the bucket are all 0: the ratio is unbounded (x / 0), not 1',
  'stale-data': 'the data ends more than 2 days before the time planned for: the ratios describe an older history',
  'not-receiving': 'the region is steered none of the failed region traffic: nothing is pre-scaled (target = today)',
  'exceeds-max': 'the required capacity is above MaxCapacity: the target is capped',
  'raises-max': 'the plan raises MaxCapacity (allowed by the config)',
  'capacity-unknown': 'current capacity is unknown: no capacity is planned',
  'zero-capacity': 'current capacity is 0 in a region that receives traffic: a ratio cannot scale 0, so no capacity is planned (size it by hand)',
  'no-demand-data': 'no demand metric data for the bucket: predicted demand unknown',
  'no-scalable-target': 'no scalable target configured: apply cannot pre-scale it',
  'region-unreachable': "the healthy region's data could not be read",
  'failed-region-unreachable': "the failed region's traffic could not be read: its ratios are unknown (no-history)",
} as const;

export const PlanFlagSchema = z.enum(Object.keys(PLAN_FLAGS) as [keyof typeof PLAN_FLAGS, ...(keyof typeof PLAN_FLAGS)[]]);
export type PlanFlag = z.infer<typeof PlanFlagSchema>;

const ScalableTargetRef = z.strictObject({
  serviceNamespace: z.string(),
  resourceId: z.string(),
  scalableDimension: z.string(),
  allowMaxIncrease: z.boolean(),
});

// zod numbers are finite (no NaN, no Infinity): a plan that breaks a bound below is never printed.
const Ratio = z.number().min(0);
const Count = z.number().min(0);

export const DeviceContributionSchema = z.strictObject({
  deviceType: z.string(),
  share: z.number().min(0).max(1),
  ratio: Ratio,
  contribution: Ratio,
});

export const PlanEntrySchema = z.strictObject({
  /** Unit name: the service, or `<service>/<shard>`. */
  service: z.string(),
  baseService: z.string(),
  shard: z.string().nullable(),
  region: z.string(),
  steeringWeight: z.number().min(0).max(1),
  configFile: z.string().nullable(),
  /** The bucket the ratio comes from (the peak bucket of the window). */
  bucket: z.number().int(),
  weightedRatio: Ratio,
  uniformRatio: Ratio,
  /** uniformRatio / weightedRatio - 1: below 0 the uniform approach under-scales this service. */
  uniformError: z.number(),
  /** [low, high], low <= weightedRatio <= high, both within the device ratios. */
  ci95: z.tuple([Ratio, Ratio]),
  traceSamples: Count,
  pooledBuckets: z.array(z.number().int()),
  deviceContributions: z.array(DeviceContributionSchema),
  currentCapacity: Count.nullable(),
  minCapacity: Count.nullable(),
  maxCapacity: Count.nullable(),
  requiredCapacity: Count.nullable(),
  uniformRequiredCapacity: Count.nullable(),
  targetMinCapacity: Count.nullable(),
  targetMaxCapacity: Count.nullable(),
  headroom: Count,
  scalableTarget: ScalableTargetRef.nullable(),
  capacityRescale: z
    .strictObject({
      factor: z.number(),
      observedAt: z.string(),
      demandAtObservation: z.number(),
      from: z.enum(['sample', 'nominal']),
    })
    .nullable()
    .optional()
    .describe('null: capacity taken as observed at the planned time (no timestamp, same bucket, or no demand data)'),
  demand: z
    .strictObject({
      nominal: Count,
      predicted: Count,
      byDevice: z.array(z.strictObject({ deviceType: z.string(), predicted: Count })),
    })
    .nullable(),
  flags: z.array(PlanFlagSchema),
});
export type PlanEntry = z.infer<typeof PlanEntrySchema>;

export const PLAN_SCHEMA_VERSION = 1;

export const PlanSchema = z.strictObject({
  schemaVersion: z.literal(PLAN_SCHEMA_VERSION),
  kind: z.literal('evac-plan'),
  failedRegion: z.string(),
  /** The time planned for (ISO 8601, UTC). */
  at: z.string(),
  /** Bucket of `at`. */
  bucket: z.number().int(),
  bucketMinutes: z.number().int(),
  windowMinutes: z.number(),
  windowBuckets: z.array(z.number().int()),
  lookbackDays: z.number().int(),
  /** End of the history used: min(at, latest traffic sample). */
  dataEnd: z.string(),
  source: z.string(),
  configDir: z.string(),
  healthyRegions: z.array(z.strictObject({ region: z.string(), steeringWeight: z.number().min(0).max(1) })),
  unreachableRegions: z.array(z.strictObject({ region: z.string(), reason: z.string() })),
  /**
   * sha256 over what apply acts on: the failed region, the unreachable regions, and every
   * target's identity, observed and planned Min/Max, allowMaxIncrease and whether it receives
   * traffic. apply refuses a plan file whose fingerprint does not match (an edited plan).
   */
  fingerprint: z.string(),
  /** What the planner wants people to know (stale data, samples in the future); empty when none. */
  warnings: z.array(z.string()).default([]),
  services: z.array(PlanEntrySchema),
  meta: z.strictObject({ apiCalls: z.record(z.string(), z.number()), totalApiCalls: z.number() }),
});
export type Plan = z.infer<typeof PlanSchema>;
