import { z } from 'zod';
import { MinMaxSchema } from '../scaling/scaler.ts';
import { ApiCallsMetaSchema } from './apply-schema.ts';

export const RestoreStatusSchema = z.enum(['restored', 'would-restore', 'unchanged', 'failed', 'skipped']);
export type RestoreStatus = z.infer<typeof RestoreStatusSchema>;

export const RestoreOutcomeSchema = z.strictObject({
  region: z.string(),
  service: z.string(),
  label: z.string(),
  status: RestoreStatusSchema,
  before: MinMaxSchema.nullable().describe('Min/Max read just before the change; null when it could not be read'),
  after: MinMaxSchema.describe('The prior Min/Max put back (or to put back)'),
  changedByOthers: z.boolean().describe('Someone else changed it after evac did; restored only with force'),
  reason: z.string().exactOptional(),
});
export type RestoreOutcome = z.infer<typeof RestoreOutcomeSchema>;

const count = z.number().int().min(0);

export const RestoreResultSchema = z.strictObject({
  snapshotFile: z.string(),
  failedRegion: z.string(),
  dryRun: z.boolean(),
  complete: z.boolean().describe('Every target is back to its prior Min/Max and the snapshot is marked restored'),
  targets: z.array(RestoreOutcomeSchema).readonly(),
  summary: z.strictObject({ restored: count, 'would-restore': count, unchanged: count, failed: count, skipped: count }),
});
export type RestoreResult = z.infer<typeof RestoreResultSchema>;

/** `evac restore --format json` on stdout; `evac schema restore` prints its JSON Schema. */
export const RestoreOutputSchema = RestoreResultSchema.extend({ meta: ApiCallsMetaSchema });
export type RestoreOutput = z.infer<typeof RestoreOutputSchema>;
