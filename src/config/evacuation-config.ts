import { z } from 'zod';
import { MetricStatSchema } from './metric-query.ts';

const RegionName = z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d+$/, 'an AWS region name such as us-east-1');

/**
 * `metrics-config/evacuation.yaml`: the regions, the time-of-day bucketing, and how the
 * traffic of each region that may fail is steered to the healthy ones.
 */
export const EvacuationConfigSchema = z
  .strictObject({
    regions: z
      .array(RegionName)
      .min(2, 'at least two regions are needed to evacuate one')
      .superRefine((list, ctx) => refineUnique(list, ctx, 'region')),
    bucketMinutes: z
      .number()
      .int()
      .positive()
      .refine((m) => 1440 % m === 0, 'a whole number of buckets per day: a divisor of 1440 such as 5, 15, 30, 60')
      .default(15)
      .describe('Width of a time-of-day bucket in minutes'),
    lookbackDays: z.number().int().positive().default(14).describe('Days of history used for nominal traffic and traces'),
    steering: z
      .record(RegionName, z.record(RegionName, z.number().min(0).max(1)))
      .describe('failed region -> healthy region -> fraction of the failed region traffic it receives'),
    defaults: z
      .strictObject({
        headroom: z.number().min(0).max(10).default(0.1).describe('Extra capacity on top of the predicted demand'),
        minTraceSamples: z.number().int().min(0).default(100).describe('Trace samples needed before buckets are pooled'),
      })
      .prefault({}),
    trafficMetric: MetricStatSchema.extend({
      deviceDimension: z.string().min(1).describe('Dimension that carries the device type'),
      deviceTypes: z.array(z.string().min(1)).min(1).describe('Device types to query'),
    })
      .optional()
      .describe('CloudWatch metric of regional traffic by device type (for --source aws)'),
  })
  .superRefine((cfg, ctx) => {
    const known = new Set(cfg.regions);
    for (const [failed, targets] of Object.entries(cfg.steering)) {
      if (!known.has(failed)) {
        ctx.addIssue({ code: 'custom', path: ['steering', failed], message: `unknown region "${failed}": expected one of ${cfg.regions.join(', ')}` });
      }
      let total = 0;
      for (const [healthy, w] of Object.entries(targets)) {
        total += w;
        if (!known.has(healthy)) {
          ctx.addIssue({ code: 'custom', path: ['steering', failed, healthy], message: `unknown region "${healthy}": expected one of ${cfg.regions.join(', ')}` });
        } else if (healthy === failed) {
          ctx.addIssue({ code: 'custom', path: ['steering', failed, healthy], message: 'a failed region cannot receive its own traffic' });
        }
      }
      if (total > 1 + 1e-9) {
        ctx.addIssue({ code: 'custom', path: ['steering', failed], message: `fractions sum to ${round(total)}: expected at most 1` });
      }
    }
  });

/**
 * Flags each repeat in a list that must hold distinct names (regions, shards): a repeat would
 * plan every entry twice. The issue points at the repeat and names the first.
 */
export function refineUnique(list: readonly string[], ctx: z.core.$RefinementCtx<string[]>, what: string): void {
  const first = new Map<string, number>();
  list.forEach((name, i) => {
    const at = first.get(name);
    if (at === undefined) first.set(name, i);
    else ctx.addIssue({ code: 'custom', path: [i], message: `duplicate ${what} "${name}" (also item ${at}): expected each ${what} once` });
  });
}

function round(x: number): number {
  return Math.round(x * 1e6) / 1e6;
}

export type EvacuationConfig = z.infer<typeof EvacuationConfigSchema>;
