import { z } from 'zod';
import { MinMaxSchema } from '../scaling/scaler.ts';
import { ApiCallsMetaSchema } from './apply-schema.ts';

export const TargetProgressSchema = z.strictObject({
  region: z.string(),
  service: z.string(),
  label: z.string(),
  targetMin: z.number().int().min(0).describe('The MinCapacity evac set (or meant to set)'),
  live: MinMaxSchema.nullable().describe("Today's Min/Max; null when the region could not be read"),
  current: z.number().nullable().describe("Running capacity from the target's capacity metric; null when unknown"),
  reached: z.boolean().describe('current >= targetMin'),
  notApplied: z.boolean().describe("The target's Min is below what evac meant to set (its apply failed or was undone)"),
});
export type TargetProgress = z.infer<typeof TargetProgressSchema>;

export const StatusResultSchema = z.strictObject({
  snapshotId: z.string(),
  failedRegion: z.string(),
  at: z.string().describe('When it was read, ISO 8601'),
  targets: z.array(TargetProgressSchema).readonly(),
  reached: z.number().int().min(0),
  total: z.number().int().min(0),
  fraction: z.number().min(0).max(1).describe('sum(min(current, targetMin)) / sum(targetMin): 1 when every target runs its new Min'),
  unreachable: z.array(z.strictObject({ region: z.string(), reason: z.string() })).readonly(),
});
export type StatusResult = z.infer<typeof StatusResultSchema>;

/** `evac status --format json` on stdout; `evac schema status` prints its JSON Schema. */
export const StatusOutputSchema = StatusResultSchema.extend({ meta: ApiCallsMetaSchema });
export type StatusOutput = z.infer<typeof StatusOutputSchema>;
