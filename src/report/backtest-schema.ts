import { z } from 'zod';
import { PlanFlagSchema } from './plan-schema.ts';

export const BACKTEST_SCHEMA_VERSION = 1;

const Fraction = z.number().nullable().describe('a fraction (0.0135 = 1.35%); null without slices');

/** Errors of one method over a set of slices. */
export const MethodErrorsSchema = z.strictObject({
  mape: Fraction.describe('mean absolute percentage error over the slices, as a fraction'),
  medianApe: Fraction.describe('median absolute percentage error, as a fraction'),
  bias: Fraction.describe('mean signed error (predicted - observed) / observed: negative under-predicts'),
  slicesShort: z.number().int().min(0).describe('slices where observed > predicted x (1 + headroom)'),
});

/** Errors of the three methods over a group of service-regions. */
export const GroupSummarySchema = z.strictObject({
  weighted: MethodErrorsSchema,
  uniform: MethodErrorsSchema,
  none: MethodErrorsSchema,
  pairs: z.number().int().min(0).describe('service-regions'),
  slices: z.number().int().min(0),
  weightedCloser: z.number().int().min(0).describe('service-regions where the weighted MAPE is below the uniform one'),
});

export const BacktestSummarySchema = z.strictObject({
  receiving: GroupSummarySchema.describe('service-regions with steering weight > 0'),
  notReceiving: GroupSummarySchema.describe('the other healthy service-regions (only "none" is expected to be right there)'),
});

const Methods = z.strictObject({ weighted: z.number(), uniform: z.number(), none: z.number() });
const NullableMethods = z.strictObject({ weighted: z.number().nullable(), uniform: z.number().nullable(), none: z.number().nullable() });

export const BacktestSliceSchema = z.strictObject({
  start: z.iso.datetime().describe('ISO 8601 UTC, inclusive'),
  end: z.iso.datetime().describe('ISO 8601 UTC, exclusive'),
  bucket: z.number().int().min(0),
  observed: z.number().describe('mean demand observed in the slice'),
  nominal: z.number().describe('nominal demand D[s,r,b] from the history before the evacuation'),
  predicted: Methods.describe('nominal x ratio at the bucket: weighted (evac), uniform (total traffic), none (1)'),
  ape: Methods.describe('|predicted - observed| / observed'),
  short: z.strictObject({ weighted: z.boolean(), uniform: z.boolean(), none: z.boolean() }).describe('observed > predicted x (1 + headroom)'),
});

export const BacktestPairSchema = z.strictObject({
  evacuationStart: z.iso.datetime(),
  failedRegion: z.string(),
  service: z.string(),
  region: z.string(),
  steeringWeight: z.number(),
  headroom: z.number(),
  mape: NullableMethods,
  flags: z.array(PlanFlagSchema).describe('flags of the plan entries behind the predictions (union over slices)'),
  slices: z.array(BacktestSliceSchema),
});

export const BacktestEvacuationSchema = z.strictObject({
  start: z.iso.datetime(),
  end: z.iso.datetime(),
  failedRegion: z.string(),
  steering: z.array(
    z.strictObject({
      region: z.string(),
      configured: z.number(),
      observed: z.number().nullable().describe('traffic gain over nominal / traffic that left the failed region; null when nothing left'),
    }),
  ),
  summary: BacktestSummarySchema,
});

export const BacktestServiceSchema = z.strictObject({
  service: z.string(),
  receiving: GroupSummarySchema,
});

/** `evac backtest --format json`: how the methods would have predicted every past evacuation. */
export const BacktestSchema = z.strictObject({
  schemaVersion: z.literal(BACKTEST_SCHEMA_VERSION),
  kind: z.literal('evac-backtest'),
  source: z.string(),
  configDir: z.string(),
  bucketMinutes: z.number().int(),
  dayTypes: z.enum(['weekday-weekend', 'all']),
  evacuations: z.array(BacktestEvacuationSchema),
  summary: BacktestSummarySchema,
  services: z.array(BacktestServiceSchema).describe('per service, over its receiving service-regions'),
  pairs: z.array(BacktestPairSchema),
  warnings: z.array(z.string()),
});

export type Backtest = z.infer<typeof BacktestSchema>;
export type BacktestPair = z.infer<typeof BacktestPairSchema>;
export type BacktestSlice = z.infer<typeof BacktestSliceSchema>;
export type GroupSummary = z.infer<typeof GroupSummarySchema>;
export type BacktestSummary = z.infer<typeof BacktestSummarySchema>;
