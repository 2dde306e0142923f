import { z } from 'zod';
import { MinMaxSchema, TargetRefSchema } from '../scaling/scaler.ts';

/** The AWS calls a command made, by API. */
export const ApiCallsMetaSchema = z.strictObject({ apiCalls: z.record(z.string(), z.number().int().min(0)) });

/** What became of one target. */
export const TargetStatusSchema = z.enum(['raised', 'would-raise', 'unchanged', 'failed', 'skipped']);
export type TargetStatus = z.infer<typeof TargetStatusSchema>;

export const TargetOutcomeSchema = z.strictObject({
  region: z.string(),
  service: z.string().describe('The plan unit: `<service>` or `<service>/<shard>`'),
  label: z.string().describe('`region resourceId (dimension)`, or the unit name when there is no target'),
  target: TargetRefSchema.nullable(),
  status: TargetStatusSchema,
  before: MinMaxSchema.nullable().describe('Min/Max read just before the change; null when it could not be read'),
  after: MinMaxSchema.nullable().describe('Min/Max set (raised), to set (would-raise), or kept (unchanged)'),
  capped: z.boolean().describe('The plan wanted a Min above the Max that may be set'),
  reason: z.string().exactOptional().describe('Why a target failed or was skipped'),
});
export type TargetOutcome = z.infer<typeof TargetOutcomeSchema>;

/** One change about to be made, as shown for confirmation and by --dry-run. */
export const PlannedChangeSchema = z.strictObject({
  region: z.string(),
  service: z.string(),
  target: TargetRefSchema,
  before: MinMaxSchema,
  after: MinMaxSchema,
  capped: z.boolean(),
});
export type PlannedChange = z.infer<typeof PlannedChangeSchema>;

const count = z.number().int().min(0);

export const ApplyResultSchema = z.strictObject({
  failedRegion: z.string(),
  dryRun: z.boolean(),
  snapshotFile: z.string().nullable().describe("The snapshot holding every changed target's prior Min/Max; null when nothing was changed or kept"),
  changes: z.array(PlannedChangeSchema).readonly().describe('The exact calls made (or, dry run, to make)'),
  targets: z.array(TargetOutcomeSchema).readonly(),
  summary: z.strictObject({ raised: count, 'would-raise': count, unchanged: count, failed: count, skipped: count, capped: count }),
});
export type ApplyResult = z.infer<typeof ApplyResultSchema>;

/** `evac apply --format json` on stdout; `evac schema apply` prints its JSON Schema. */
export const ApplyOutputSchema = ApplyResultSchema.extend({
  reached: z.boolean().optional().describe('With --wait: every target reached its new Min in time'),
  meta: ApiCallsMetaSchema,
});
export type ApplyOutput = z.infer<typeof ApplyOutputSchema>;
