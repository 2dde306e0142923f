import { z } from 'zod';

/** Every flag a plan entry may carry, with what it means (shown in reports). */
export const PLAN_FLAGS = {
  'default-config': 'no config file: planned with defaults',
  'pooled-buckets': 'too few traces in the bucket: neighbouring buckets were pooled',
  'low-samples': 'still fewer traces than minTraceSamples after pooling',
  'no-traces': 'no traces at all: the uniform ratio is used',
  'device-ratio-fallback': 'a device type has no traffic in the healthy region: the uniform ratio stands in for it',
  'no-regional-traffic': 'the healthy region has no traffic in the bucket: ratio 1 (cannot be scaled from data)',
  'day-type-fallback': 'fewer than 2 dates of the planned day type (weekday/weekend) in the history: nominal levels over all dates',
  'capacity-rescaled': 'capacity was observed at another hour: scaled by the demand ratio between that hour and the planned bucket',
  'exceeds-max': 'the required capacity is above MaxCapacity: the target is capped',
  'raises-max': 'the plan raises MaxCapacity (allowed by the config)',
  'capacity-unknown': 'current capacity is unknown: no capacity is planned',
  'no-demand-data': 'no demand metric data for the bucket: predicted demand unknown',
  'no-scalable-target': 'no scalable target configured: apply cannot pre-scale it',
  'region-unreachable': "the healthy region's data could not be read",
  'failed-region-unreachable': "the failed region's traffic could not be read: its device ratios count it as 0",
} as const;

export const PlanFlagSchema = z.enum(Object.keys(PLAN_FLAGS) as [keyof typeof PLAN_FLAGS, ...(keyof typeof PLAN_FLAGS)[]]);
export type PlanFlag = z.infer<typeof PlanFlagSchema>;

const ScalableTargetRef = z.object({
  serviceNamespace: z.string(),
  resourceId: z.string(),
  scalableDimension: z.string(),
  allowMaxIncrease: z.boolean(),
});

export const DeviceContributionSchema = z.object({
  deviceType: z.string(),
  share: z.number(),
  ratio: z.number(),
  contribution: z.number(),
});

export const PlanEntrySchema = z.object({
  /** Unit name: the service, or `<service>/<shard>`. */
  service: z.string(),
  baseService: z.string(),
  shard: z.string().nullable(),
  region: z.string(),
  steeringWeight: z.number(),
  configFile: z.string().nullable(),
  /** The bucket the ratio comes from (the peak bucket of the window). */
  bucket: z.number().int(),
  weightedRatio: z.number(),
  uniformRatio: z.number(),
  /** uniformRatio / weightedRatio - 1: below 0 the uniform approach under-scales this service. */
  uniformError: z.number(),
  ci95: z.tuple([z.number(), z.number()]),
  traceSamples: z.number(),
  pooledBuckets: z.array(z.number().int()),
  deviceContributions: z.array(DeviceContributionSchema),
  currentCapacity: z.number().nullable(),
  minCapacity: z.number().nullable(),
  maxCapacity: z.number().nullable(),
  requiredCapacity: z.number().nullable(),
  uniformRequiredCapacity: z.number().nullable(),
  targetMinCapacity: z.number().nullable(),
  targetMaxCapacity: z.number().nullable(),
  headroom: z.number(),
  scalableTarget: ScalableTargetRef.nullable(),
  capacityRescale: z
    .object({
      factor: z.number(),
      observedAt: z.string(),
      demandAtObservation: z.number(),
      from: z.enum(['sample', 'nominal']),
    })
    .nullable()
    .optional()
    .describe('null: capacity taken as observed at the planned time (no timestamp, same bucket, or no demand data)'),
  demand: z
    .object({
      nominal: z.number(),
      predicted: z.number(),
      byDevice: z.array(z.object({ deviceType: z.string(), predicted: z.number() })),
    })
    .nullable(),
  flags: z.array(PlanFlagSchema),
});
export type PlanEntry = z.infer<typeof PlanEntrySchema>;

export const PLAN_SCHEMA_VERSION = 1;

export const PlanSchema = z.object({
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
  healthyRegions: z.array(z.object({ region: z.string(), steeringWeight: z.number() })),
  unreachableRegions: z.array(z.object({ region: z.string(), reason: z.string() })),
  /** sha256 over every target's observed Min/Max: apply refuses a plan whose targets moved since. */
  fingerprint: z.string(),
  services: z.array(PlanEntrySchema),
  meta: z.object({ apiCalls: z.record(z.string(), z.number()), totalApiCalls: z.number() }),
});
export type Plan = z.infer<typeof PlanSchema>;
