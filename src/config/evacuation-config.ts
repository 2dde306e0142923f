import { z } from 'zod';
import { isTimeZone } from '../model/day-type.ts';
import { MetricStatSchema } from './metric-query.ts';
import { userRegex } from './user-regex.ts';

/** A user regex: checked at load, so a bad one is a config error naming its field. */
const UserRegex = z.string().superRefine((pattern, ctx) => {
  const compiled = userRegex(pattern);
  if (!compiled.ok) ctx.addIssue({ code: 'custom', message: compiled.message });
});

/** How OTLP spans become trace counts per service, region and device type (see docs/traces.md). */
export const TracesConfigSchema = z
  .strictObject({
    deviceType: z
      .strictObject({
        attribute: z.string().min(1).optional().describe('Span or resource attribute holding the device type (e.g. app.device.type); tried first'),
        userAgent: z
          .array(
            z.strictObject({
              match: UserRegex.describe('Regex over user_agent.original; a leading (?i) makes it case-insensitive'),
              device: z.string().min(1).describe('Device type given to a trace whose user agent matches'),
            }),
          )
          .default([])
          .describe('Tried in order when the attribute is absent: the first match wins'),
      })
      .prefault({})
      .describe("Rules giving a trace's device type, applied to its root span, else to any span of the trace"),
    regionAttribute: z.string().min(1).default('cloud.region').describe('Resource attribute holding the region of a span'),
    serviceAttribute: z.string().min(1).default('service.name').describe("Resource attribute holding the service name, matched to each service's traceName"),
  })
  .prefault({})
  .describe('Reading OpenTelemetry (OTLP/JSON) spans: see docs/traces.md');
export type TracesConfig = z.infer<typeof TracesConfigSchema>;

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
    dayTypes: z
      .enum(['weekday-weekend', 'all'])
      .default('weekday-weekend')
      .describe('Nominal levels per day type (weekday: Mon-Fri, weekend: Sat-Sun) or over all dates'),
    timeZones: z
      .record(RegionName, z.string().refine(isTimeZone, 'an IANA time zone such as America/New_York'))
      .default({})
      .describe("region -> IANA time zone: a region's day type follows its local date (UTC without one)"),
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
    traces: TracesConfigSchema,
  })
  .superRefine((cfg, ctx) => {
    const known = new Set(cfg.regions);
    for (const region of Object.keys(cfg.timeZones)) {
      if (!known.has(region))
        ctx.addIssue({ code: 'custom', path: ['timeZones', region], message: `unknown region "${region}": expected one of ${cfg.regions.join(', ')}` });
    }
    for (const [failed, targets] of Object.entries(cfg.steering)) {
      if (!known.has(failed)) {
        ctx.addIssue({ code: 'custom', path: ['steering', failed], message: `unknown region "${failed}": expected one of ${cfg.regions.join(', ')}` });
      }
      let total = 0;
      for (const [healthy, w] of Object.entries(targets)) {
        total += w;
        if (!known.has(healthy)) {
          ctx.addIssue({
            code: 'custom',
            path: ['steering', failed, healthy],
            message: `unknown region "${healthy}": expected one of ${cfg.regions.join(', ')}`,
          });
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
