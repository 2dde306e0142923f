import { z } from 'zod';
import { refineUnique } from './evacuation-config.ts';
import { MetricQuerySchema, MetricStatSchema } from './metric-query.ts';

/** An Application Auto Scaling scalable target. Strings may use {region} and {shard}. */
export const ScalableTargetSchema = z.strictObject({
  serviceNamespace: z
    .enum([
      'ecs',
      'elasticmapreduce',
      'ec2',
      'appstream',
      'dynamodb',
      'rds',
      'sagemaker',
      'custom-resource',
      'comprehend',
      'lambda',
      'cassandra',
      'kafka',
      'elasticache',
      'neptune',
      'workspaces',
    ])
    .describe('Application Auto Scaling ServiceNamespace'),
  resourceId: z.string().min(1).describe('ResourceId, e.g. service/prod/drm-fairplay'),
  scalableDimension: z.string().regex(/^[a-z-]+:[a-zA-Z-]+:[A-Za-z]+$/, 'a ScalableDimension such as ecs:service:DesiredCount'),
  allowMaxIncrease: z
    .boolean()
    .default(false)
    .describe("May evac raise MaxCapacity when the plan needs more than today's max? Otherwise the target is capped and flagged exceeds-max."),
});
export type ScalableTarget = z.infer<typeof ScalableTargetSchema>;

/** The settings a scope (region, shard, or both) may override. */
const ScopedFields = {
  traceName: z.string().min(1).optional().describe('The service name in trace data (default: the service name)'),
  headroom: z.number().min(0).max(10).optional().describe('Extra capacity over predicted demand (default: defaults.headroom)'),
  minTraceSamples: z.number().int().min(0).optional().describe('Trace samples needed before buckets are pooled'),
  demandMetric: MetricQuerySchema.optional().describe("The metric that represents this service's demand"),
  capacityMetric: MetricStatSchema.optional().describe('Metric of current capacity (default per namespace, e.g. ECS RunningTaskCount)'),
  // No defaults here: an override that sets only resourceId must not reset allowMaxIncrease.
  scalableTarget: ScalableTargetSchema.extend({ allowMaxIncrease: z.boolean().optional() })
    .partial()
    .optional()
    .describe('Fields of the scalable target to replace'),
};

export const ServiceOverrideSchema = z
  .strictObject({
    region: z.string().min(1).optional().describe('Apply in this region only'),
    shard: z.string().min(1).optional().describe('Apply to this shard only'),
    ...ScopedFields,
  })
  .refine((o) => o.region !== undefined || o.shard !== undefined, 'an override needs a region, a shard, or both');
export type ServiceOverride = z.infer<typeof ServiceOverrideSchema>;

/**
 * `metrics-config/services/<service>.yaml`: one microservice's demand config.
 *
 * Precedence of scoped overrides, later wins: the base fields, then overrides with only
 * `region`, then overrides with only `shard`, then overrides with both. Within one level,
 * later entries in the file win.
 */
export const ServiceConfigSchema = z.strictObject({
  service: z
    .string()
    .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'letters, digits, ".", "_" and "-"')
    .describe('Service name (as in capacity and demand data)'),
  description: z.string().optional(),
  owner: z.string().optional().describe('Team or pager alias'),
  shards: z
    .array(z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/))
    .superRefine((list, ctx) => refineUnique(list, ctx, 'shard'))
    .optional()
    .describe('When set, each shard is planned as its own unit named <service>/<shard>'),
  traceName: ScopedFields.traceName,
  headroom: ScopedFields.headroom,
  minTraceSamples: ScopedFields.minTraceSamples,
  demandMetric: ScopedFields.demandMetric,
  capacityMetric: ScopedFields.capacityMetric,
  scalableTarget: ScalableTargetSchema.optional().describe('Application Auto Scaling target to pre-scale'),
  overrides: z.array(ServiceOverrideSchema).default([]),
});
export type ServiceConfig = z.infer<typeof ServiceConfigSchema>;
