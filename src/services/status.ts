import { DEFAULT_REGION_TIMEOUT_MS, forEachRegion } from '../async/regions.ts';
import type { MetricStat } from '../config/metric-query.ts';
import { compareNames } from '../model/name-order.ts';
import type { StatusResult, TargetProgress } from '../report/status-schema.ts';
import type { CapacityReader, Scaler } from '../scaling/scaler.ts';
import { targetKey, targetLabel } from '../scaling/scaler.ts';
import type { Snapshot } from '../state/snapshot.ts';
import { groupByRegion, liveOf, readLiveTargets } from './scaling-calls.ts';

/** The result types are the contract's (src/report/status-schema.ts), re-exported for the callers of this service. */
export type { StatusResult, TargetProgress } from '../report/status-schema.ts';

export interface StatusOptions {
  readonly snapshot: Snapshot;
  readonly scaler: Scaler;
  readonly capacity: CapacityReader;
  readonly regionTimeoutMs?: number;
  /** Current time, epoch seconds. */
  readonly now?: () => number;
}

/**
 * Progress of a pre-scaling: for every target of a snapshot, its running capacity against the
 * Min evac set. Reads Min/Max (DescribeScalableTargets) and running capacity (the capacity
 * metric) per region in parallel; a region that cannot be read counts as not reached.
 */
export async function readStatus(options: StatusOptions): Promise<StatusResult> {
  const { snapshot } = options;
  const at = options.now?.() ?? Date.now() / 1000;
  const timeoutMs = options.regionTimeoutMs ?? DEFAULT_REGION_TIMEOUT_MS;
  const live = await readLiveTargets(
    options.scaler,
    snapshot.targets.map((t) => ({ region: t.region, target: t })),
    timeoutMs,
  );
  const byRegion = groupByRegion(snapshot.targets);
  const running = await forEachRegion(byRegion.keys(), timeoutMs, (region, signal) => {
    const metrics = new Map<string, MetricStat>();
    for (const t of byRegion.get(region) ?? []) if (t.capacityMetric) metrics.set(targetKey(t), t.capacityMetric);
    return options.capacity.currentCapacity(region, metrics, Math.floor(at), { signal });
  });
  const unreachable = new Map([...running.failed, ...live.errors]);
  const current = running.answered;
  const targets = snapshot.targets.map((t): TargetProgress => {
    const minMax = liveOf(live, t.region, t) ?? null;
    const running = current.get(t.region)?.get(targetKey(t)) ?? null;
    return {
      region: t.region,
      service: t.service,
      label: targetLabel(t.region, t),
      targetMin: t.intended.min,
      live: minMax,
      current: running,
      reached: running !== null && running >= t.intended.min,
      notApplied: minMax !== null && minMax.min < t.intended.min,
    };
  });
  targets.sort((a, b) => compareNames(a.region, b.region) || compareNames(a.label, b.label));
  let have = 0;
  let want = 0;
  for (const t of targets) {
    want += t.targetMin;
    have += Math.min(t.current ?? 0, t.targetMin);
  }
  return {
    snapshotId: snapshot.id,
    failedRegion: snapshot.failedRegion,
    at: new Date(at * 1000).toISOString(),
    targets,
    reached: targets.filter((t) => t.reached).length,
    total: targets.length,
    fraction: want === 0 ? 1 : have / want,
    unreachable: [...unreachable].map(([region, reason]) => ({ region, reason })).sort((a, b) => compareNames(a.region, b.region)),
  };
}

export interface WaitOptions extends StatusOptions {
  /** Give up after this long. */
  readonly timeoutMs: number;
  /** Time between polls. */
  readonly intervalMs: number;
  /** Told each poll's status, e.g. to redraw a progress bar. */
  readonly onPoll?: (status: StatusResult) => void;
  readonly sleep?: (ms: number) => Promise<void>;
}

/** Polls readStatus until every target is reached or the timeout passes; returns the last status. */
export async function waitForTargets(options: WaitOptions): Promise<{ status: StatusResult; reached: boolean }> {
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const deadline = Date.now() + options.timeoutMs;
  for (;;) {
    const status = await readStatus(options);
    options.onPoll?.(status);
    if (status.reached === status.total) return { status, reached: true };
    if (Date.now() + options.intervalMs > deadline) return { status, reached: false };
    await sleep(options.intervalMs);
  }
}
