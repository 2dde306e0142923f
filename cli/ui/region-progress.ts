import { compareNames } from '../../src/model/name-order.ts';
import type { StatusResult } from '../../src/services/status.ts';

/** One region's line in the progress view. */
export interface RegionProgress {
  readonly region: string;
  /** sum(min(running, new Min)) / sum(new Min): 1 when every target runs its new Min. */
  readonly fraction: number;
  readonly reached: number;
  readonly total: number;
  /** Targets whose Min is below what evac meant to set (the call failed or was undone). */
  readonly notApplied: number;
  /** Why the region could not be read, or null. */
  readonly unreachable: string | null;
}

/** Per region, in name order: how far running capacity is toward the new Mins. */
export function regionProgress(status: StatusResult): RegionProgress[] {
  const byRegion = new Map<string, { have: number; want: number; reached: number; total: number; notApplied: number }>();
  for (const t of status.targets) {
    const r = byRegion.get(t.region) ?? { have: 0, want: 0, reached: 0, total: 0, notApplied: 0 };
    r.have += Math.min(t.current ?? 0, t.targetMin);
    r.want += t.targetMin;
    r.total += 1;
    if (t.reached) r.reached += 1;
    if (t.notApplied) r.notApplied += 1;
    byRegion.set(t.region, r);
  }
  const unreachable = new Map(status.unreachable.map((u) => [u.region, u.reason]));
  return [...byRegion]
    .sort(([a], [b]) => compareNames(a, b))
    .map(([region, r]) => ({
      region,
      fraction: r.want === 0 ? 1 : r.have / r.want,
      reached: r.reached,
      total: r.total,
      notApplied: r.notApplied,
      unreachable: unreachable.get(region) ?? null,
    }));
}

/** A text progress bar: `[#####.....]`. */
export function bar(fraction: number, width: number): string {
  const f = Math.max(0, Math.min(1, Number.isFinite(fraction) ? fraction : 0));
  const full = Math.round(f * width);
  return `[${'#'.repeat(full)}${'.'.repeat(width - full)}]`;
}
