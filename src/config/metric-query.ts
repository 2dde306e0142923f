import { z } from 'zod';

/** One CloudWatch metric, as GetMetricData's MetricStat takes it. */
export const MetricStatSchema = z
  .strictObject({
    namespace: z.string().min(1).describe('CloudWatch namespace, e.g. AWS/ApplicationELB'),
    name: z.string().min(1).describe('Metric name, e.g. RequestCount'),
    dimensions: z.record(z.string(), z.string()).default({}).describe('Dimension name -> value. Values may use {region} and {shard} placeholders.'),
    stat: z.string().min(1).default('Sum').describe('Statistic: Sum, Average, Maximum, p99...'),
    period: z.number().int().positive().default(300).describe('Period in seconds'),
  })
  .describe('A single CloudWatch metric');

export type MetricStat = z.infer<typeof MetricStatSchema>;

/** A metric-math expression over named metrics (ids must start with a lower-case letter). */
export const MetricMathSchema = z
  .strictObject({
    expression: z.string().min(1).describe('CloudWatch metric math, e.g. "m1 + m2"'),
    metrics: z
      .record(z.string().regex(/^[a-z][a-zA-Z0-9_]*$/, 'ids start with a lower-case letter'), MetricStatSchema)
      .refine((m) => Object.keys(m).length > 0, 'at least one metric is needed'),
    period: z.number().int().positive().default(300),
  })
  .describe('A metric-math expression over named metrics');

export type MetricMath = z.infer<typeof MetricMathSchema>;

export const MetricQuerySchema = z.union([MetricStatSchema, MetricMathSchema]);
export type MetricQuery = z.infer<typeof MetricQuerySchema>;

export function isMetricMath(q: MetricQuery): q is MetricMath {
  return 'expression' in q;
}
