import type { MetricQuery, MetricStat } from './metric-query.ts';
import type { ScalableTarget, ServiceConfig, ServiceOverride } from './service-config.ts';

/** One plannable unit: a service, or one shard of a sharded service. */
export interface PlanUnit {
  /** Name in capacity and demand data: `<service>` or `<service>/<shard>`. */
  readonly name: string;
  readonly service: string;
  readonly shard?: string;
}

/** A service's settings in one region (and shard), after scoped overrides. */
export interface ScopedServiceConfig extends PlanUnit {
  readonly region: string;
  readonly traceName: string;
  readonly headroom?: number;
  readonly minTraceSamples?: number;
  readonly demandMetric?: MetricQuery;
  readonly capacityMetric?: MetricStat;
  readonly scalableTarget?: ScalableTarget;
}

/** The units a service config plans: itself, or one per shard. */
export function planUnits(config: ServiceConfig): PlanUnit[] {
  if (!config.shards || config.shards.length === 0) return [{ name: config.service, service: config.service }];
  return config.shards.map((shard) => ({ name: `${config.service}/${shard}`, service: config.service, shard }));
}

/**
 * Resolves a service config for one region and shard. Precedence, later wins: base fields;
 * overrides with only `region`; overrides with only `shard`; overrides with both. Within a
 * level, later entries win. `scalableTarget` fields merge one by one; other fields replace.
 * `{region}` and `{shard}` in strings of the scalable target and metric dimensions are filled in.
 */
export function resolveScope(config: ServiceConfig, unit: PlanUnit, region: string): ScopedServiceConfig {
  const applies = (o: ServiceOverride) => (o.region === undefined || o.region === region) && (o.shard === undefined || o.shard === unit.shard);
  const level = (o: ServiceOverride) => (o.region !== undefined ? 1 : 0) + (o.shard !== undefined ? 2 : 0);
  const ordered = config.overrides
    .map((o, index) => ({ o, index }))
    .filter(({ o }) => applies(o))
    .sort((a, b) => level(a.o) - level(b.o) || a.index - b.index)
    .map(({ o }) => o);

  let traceName = config.traceName;
  let headroom = config.headroom;
  let minTraceSamples = config.minTraceSamples;
  let demandMetric = config.demandMetric;
  let capacityMetric = config.capacityMetric;
  let scalableTarget: PartialTarget | undefined = config.scalableTarget;
  for (const o of ordered) {
    traceName = o.traceName ?? traceName;
    headroom = o.headroom ?? headroom;
    minTraceSamples = o.minTraceSamples ?? minTraceSamples;
    demandMetric = o.demandMetric ?? demandMetric;
    capacityMetric = o.capacityMetric ?? capacityMetric;
    if (o.scalableTarget) scalableTarget = { ...scalableTarget, ...o.scalableTarget };
  }

  const fill = (s: string) => s.replaceAll('{region}', region).replaceAll('{shard}', unit.shard ?? '');
  const target = completeTarget(scalableTarget);
  return {
    ...unit,
    region,
    traceName: traceName ?? unit.name,
    ...(headroom === undefined ? {} : { headroom }),
    ...(minTraceSamples === undefined ? {} : { minTraceSamples }),
    ...(demandMetric === undefined ? {} : { demandMetric: fillQuery(demandMetric, fill) }),
    ...(capacityMetric === undefined ? {} : { capacityMetric: fillStat(capacityMetric, fill) }),
    ...(target === undefined ? {} : { scalableTarget: { ...target, resourceId: fill(target.resourceId) } }),
  };
}

type PartialTarget = { [K in keyof ScalableTarget]?: ScalableTarget[K] | undefined };

function completeTarget(t: PartialTarget | undefined): ScalableTarget | undefined {
  if (!t || t.serviceNamespace === undefined || t.resourceId === undefined || t.scalableDimension === undefined) return undefined;
  return {
    serviceNamespace: t.serviceNamespace,
    resourceId: t.resourceId,
    scalableDimension: t.scalableDimension,
    allowMaxIncrease: t.allowMaxIncrease ?? false,
  };
}

function fillStat(m: MetricStat, fill: (s: string) => string): MetricStat {
  return { ...m, dimensions: Object.fromEntries(Object.entries(m.dimensions).map(([k, v]) => [k, fill(v)])) };
}

function fillQuery(q: MetricQuery, fill: (s: string) => string): MetricQuery {
  if ('expression' in q) return { ...q, metrics: Object.fromEntries(Object.entries(q.metrics).map(([id, m]) => [id, fillStat(m, fill)])) };
  return fillStat(q, fill);
}

/** Every configured unit resolved for every region: what a source must load to plan any failed region. */
export function allRegionScopes(config: {
  readonly services: readonly { readonly config: ServiceConfig }[];
  readonly evacuation: { readonly regions: readonly string[] };
}): ScopedServiceConfig[] {
  return config.services.flatMap((s) => planUnits(s.config).flatMap((unit) => config.evacuation.regions.map((r) => resolveScope(s.config, unit, r))));
}
