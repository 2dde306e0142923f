import { compareNames } from '../../src/model/name-order.ts';
import type { PlanEntry } from '../../src/report/plan-schema.ts';

/** How the service list is ordered. */
export type PlanOrder = 'risk' | 'uniform-error' | 'service';

export const PLAN_ORDERS: readonly PlanOrder[] = ['risk', 'uniform-error', 'service'];

export const ORDER_LABELS: Record<PlanOrder, string> = {
  risk: 'risk (exceeds-max, then largest ratio)',
  'uniform-error': 'where uniform scaling is most wrong',
  service: 'service name',
};

/**
 * Orders plan entries for an incident: by default the ones that cannot reach their capacity
 * first, then the largest weighted ratios, since those need attention first.
 */
export function orderEntries(entries: readonly PlanEntry[], order: PlanOrder): PlanEntry[] {
  const byName = (a: PlanEntry, b: PlanEntry) => compareNames(a.service, b.service) || compareNames(a.region, b.region);
  const sorted = [...entries];
  switch (order) {
    case 'risk':
      return sorted.sort(
        (a, b) => Number(b.flags.includes('exceeds-max')) - Number(a.flags.includes('exceeds-max')) || b.weightedRatio - a.weightedRatio || byName(a, b),
      );
    case 'uniform-error':
      return sorted.sort((a, b) => Math.abs(b.uniformError) - Math.abs(a.uniformError) || byName(a, b));
    case 'service':
      return sorted.sort(byName);
  }
}

/** Does an entry match the `/` filter: its service, region or one of its flags contains the text (any case)? */
export function matchesFilter(entry: PlanEntry, filter: string): boolean {
  const f = filter.trim().toLowerCase();
  if (f === '') return true;
  return entry.service.toLowerCase().includes(f) || entry.region.toLowerCase().includes(f) || entry.flags.some((flag) => flag.includes(f));
}

/** The entries the list shows: filtered, then ordered. */
export function visibleEntries(entries: readonly PlanEntry[], order: PlanOrder, filter: string): PlanEntry[] {
  return orderEntries(
    entries.filter((e) => matchesFilter(e, filter)),
    order,
  );
}
