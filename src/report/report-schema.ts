import { z } from 'zod';
import { PlanFlagSchema, PlanSchema } from './plan-schema.ts';

export const REPORT_SCHEMA_VERSION = 1;

/** Why a plan entry's ratio is not to be trusted much: its trace flags, or a wide interval. */
export const ConfidenceReasonSchema = z.enum(['low-samples', 'pooled-buckets', 'no-traces', 'device-ratio-fallback', 'wide-interval']);
export type ConfidenceReason = z.infer<typeof ConfidenceReasonSchema>;

/** A service-region of a scenario that carries a flag the gate fails on. */
export const GateFailureSchema = z.strictObject({
  service: z.string(),
  region: z.string(),
  bucket: z.number().int(),
  /** The gating flags it carries, in plan order. */
  flags: z.array(PlanFlagSchema).min(1),
  /** With exceeds-max: required capacity minus MaxCapacity; otherwise null. */
  shortfall: z.number().nullable(),
  /** One line for humans and for a JUnit <failure message>. */
  message: z.string(),
});
export type GateFailure = z.infer<typeof GateFailureSchema>;

export const LowConfidenceSchema = z.strictObject({
  service: z.string(),
  region: z.string(),
  bucket: z.number().int(),
  reasons: z.array(ConfidenceReasonSchema).min(1),
  traceSamples: z.number(),
  weightedRatio: z.number(),
  /** Half-width of the 95% interval over the ratio: "wide" above the report's gate.wideInterval. */
  relativeHalfWidth: z.number(),
});
export type LowConfidence = z.infer<typeof LowConfidenceSchema>;

export const ReceivingRegionSchema = z.strictObject({
  region: z.string(),
  /** Fraction of the failed region's traffic it receives (> 0). */
  steeringWeight: z.number(),
  /**
   * The bucket its entries are planned at: argmax_b of sum_d T[r,d,b] + w * sum_d T[x,d,b]
   * (ties: earliest). Null with --all-buckets, where each entry has its own worst bucket.
   */
  peakBucket: z.number().int().nullable(),
  /** That post-evacuation traffic at the peak bucket; null with --all-buckets. */
  peakTraffic: z.number().nullable(),
});
export type ReceivingRegion = z.infer<typeof ReceivingRegionSchema>;

export const ScenarioSchema = z.strictObject({
  /** The region whose loss this scenario plans for. */
  failedRegion: z.string(),
  /** No service-region fails the gate. */
  ready: z.boolean(),
  /** One line: why it is (not) ready. */
  reason: z.string(),
  receivingRegions: z.array(ReceivingRegionSchema),
  /** Healthy regions steered 0 of the failed region's traffic: not planned in this scenario. */
  idleRegions: z.array(z.string()),
  /**
   * The plans made: one per distinct peak bucket (each holding the entries of the receiving
   * regions planned at it), or one over every bucket with --all-buckets.
   */
  plans: z.array(PlanSchema),
  failures: z.array(GateFailureSchema),
  lowConfidence: z.array(LowConfidenceSchema),
});
export type Scenario = z.infer<typeof ScenarioSchema>;

export const ScenarioVerdictSchema = z.enum(['ready', 'not-ready', 'absent']);
export type ScenarioVerdict = z.infer<typeof ScenarioVerdictSchema>;

/** One field of an entry that moved since the baseline. */
export const EntryChangeSchema = z.discriminatedUnion('field', [
  z.strictObject({ field: z.literal('weightedRatio'), from: z.number(), to: z.number(), relative: z.number() }),
  z.strictObject({ field: z.enum(['requiredCapacity', 'targetMinCapacity', 'maxCapacity']), from: z.number().nullable(), to: z.number().nullable() }),
  z.strictObject({ field: z.literal('gateFailures'), from: z.array(PlanFlagSchema), to: z.array(PlanFlagSchema) }),
]);
export type EntryChange = z.infer<typeof EntryChangeSchema>;

const EntryRef = z.strictObject({ failedRegion: z.string(), service: z.string(), region: z.string() });
export type EntryRef = z.infer<typeof EntryRef>;

export const ReportDiffSchema = z.strictObject({
  baseline: z.strictObject({ generatedAt: z.string(), source: z.string(), configDir: z.string(), dataEnd: z.string() }),
  /** Relative change of a weighted ratio below which it is not reported. */
  threshold: z.number(),
  verdictChanges: z.array(z.strictObject({ failedRegion: z.string(), from: ScenarioVerdictSchema, to: ScenarioVerdictSchema })),
  added: z.array(EntryRef),
  removed: z.array(EntryRef),
  changed: z.array(
    EntryRef.extend({
      bucket: z.strictObject({ from: z.number().int(), to: z.number().int() }),
      changes: z.array(EntryChangeSchema).min(1),
    }),
  ),
  /** Differences in how the two reports were made (mode, gate) that explain other changes. */
  notes: z.array(z.string()),
});
export type ReportDiff = z.infer<typeof ReportDiffSchema>;

/** The fleet a receiving region needs in one scenario, summed over its services with a known capacity. */
export const CapacityTotalSchema = z.strictObject({
  failedRegion: z.string(),
  region: z.string(),
  /** Service-regions with a known capacity (the others are not in the sums). */
  services: z.number().int(),
  currentCapacity: z.number(),
  requiredCapacity: z.number(),
  targetMinCapacity: z.number(),
  /** The largest weighted ratio among the region's services. */
  maxWeightedRatio: z.number(),
});
export type CapacityTotal = z.infer<typeof CapacityTotalSchema>;

export const ReportSchema = z.strictObject({
  schemaVersion: z.literal(REPORT_SCHEMA_VERSION),
  kind: z.literal('evac-report'),
  /** When the report was made (ISO 8601, UTC). */
  generatedAt: z.string(),
  source: z.string(),
  configDir: z.string(),
  /** The latest traffic sample not in the future: history ends here and scenarios are planned on its UTC date. */
  dataEnd: z.string(),
  /** Stale data, samples dated in the future: said loudly, here and on stderr. */
  warnings: z.array(z.string()).default([]),
  bucketMinutes: z.number().int(),
  lookbackDays: z.number().int(),
  /** peak-bucket: each receiving region at its peak bucket; all-buckets: each entry at its worst bucket. */
  mode: z.enum(['peak-bucket', 'all-buckets']),
  gate: z.strictObject({
    /** Plan flags that fail the gate. */
    failOn: z.array(PlanFlagSchema).min(1),
    /** A 95% interval is wide when its half-width is above this fraction of the ratio. */
    wideInterval: z.number(),
  }),
  /** Every scenario is ready. */
  ready: z.boolean(),
  summary: z.strictObject({
    scenarios: z.number().int(),
    notReady: z.number().int(),
    entries: z.number().int(),
    failures: z.number().int(),
    lowConfidence: z.number().int(),
  }),
  scenarios: z.array(ScenarioSchema),
  /** Capacity per scenario and receiving region, summed over services. */
  capacityTotals: z.array(CapacityTotalSchema),
  /** Against --baseline; null without one. */
  comparison: ReportDiffSchema.nullable(),
  /** API calls of the one data load all scenarios share. */
  meta: z.strictObject({ apiCalls: z.record(z.string(), z.number()), totalApiCalls: z.number() }),
});
export type Report = z.infer<typeof ReportSchema>;
