import { compareNames } from '../model/name-order.ts';
import type { CapacityTotal, Scenario } from './report-schema.ts';

/**
 * Sums capacity per scenario and receiving region: how much a region's fleet grows if it
 * must absorb the failed region (cluster size, account quotas and reserved capacity follow
 * from it). A group-by over every plan entry, done with a danfo data frame; danfo is loaded
 * only here, since its start-up (~1-2 s) must stay out of `evac plan`.
 */
export async function capacityTotals(scenarios: readonly Scenario[]): Promise<CapacityTotal[]> {
  const rows = scenarios.flatMap((s) =>
    s.plans.flatMap((p) =>
      p.services
        .filter((e) => e.currentCapacity !== null && e.requiredCapacity !== null && e.targetMinCapacity !== null)
        .map((e) => ({
          failedRegion: s.failedRegion,
          region: e.region,
          services: 1,
          currentCapacity: e.currentCapacity as number,
          requiredCapacity: e.requiredCapacity as number,
          targetMinCapacity: e.targetMinCapacity as number,
          weightedRatio: e.weightedRatio,
        })),
    ),
  );
  if (rows.length === 0) return [];
  const dfd = await import('danfojs-node');
  const grouped = new dfd.DataFrame(rows)
    .groupby(['failedRegion', 'region'])
    .agg({ services: 'sum', currentCapacity: 'sum', requiredCapacity: 'sum', targetMinCapacity: 'sum', weightedRatio: 'max' });
  const records = dfd.toJSON(grouped) as Array<Record<string, string | number>>;
  const order = new Map(scenarios.map((s, i) => [s.failedRegion, i]));
  return records
    .map((r) => ({
      failedRegion: String(r.failedRegion),
      region: String(r.region),
      services: Number(r.services_sum),
      currentCapacity: Number(r.currentCapacity_sum),
      requiredCapacity: Number(r.requiredCapacity_sum),
      targetMinCapacity: Number(r.targetMinCapacity_sum),
      maxWeightedRatio: Number(r.weightedRatio_max),
    }))
    .sort((a, b) => (order.get(a.failedRegion) ?? 0) - (order.get(b.failedRegion) ?? 0) || compareNames(a.region, b.region));
}
