import { DEFAULT_REGION_TIMEOUT_MS } from '../async/regions.ts';
import type { MetricStat } from '../config/metric-query.ts';
import { EvacError, EXIT } from '../errors.ts';
import { compareNames } from '../model/name-order.ts';
import type { ApplyResult, PlannedChange, TargetOutcome } from '../report/apply-schema.ts';
import type { Plan, PlanEntry } from '../report/plan-schema.ts';
import { defaultCapacityMetric } from '../scaling/capacity-metric.ts';
import { raiseTo, sameMinMax } from '../scaling/raise.ts';
import { type MinMax, type Scaler, type TargetRef, targetKey, targetLabel } from '../scaling/scaler.ts';
import { findActiveSnapshot, newSnapshotId, SNAPSHOT_SCHEMA_VERSION, type Snapshot, saveSnapshot, snapshotFile } from '../state/snapshot.ts';
import { acquireStateLock } from '../state/state-lock.ts';
import { planFingerprint } from './plan.ts';
import { type CallResult, DEFAULT_CONCURRENCY, liveOf, readLiveTargets, runScalingCalls, type ScalingCall } from './scaling-calls.ts';

/** The result types are the contract's (src/report/apply-schema.ts), re-exported for the callers of this service. */
export type { ApplyResult, PlannedChange, TargetOutcome, TargetStatus } from '../report/apply-schema.ts';

export interface ApplyOptions {
  readonly plan: Plan;
  /**
   * Set when applying a reviewed plan file: the plan must be unedited (its fingerprint
   * matches), and a target whose Min/Max moved since it was planned refuses the whole apply.
   */
  readonly reviewed?: boolean;
  readonly scaler: Scaler;
  /** Snapshots, audit log and lock live here. */
  readonly stateDir: string;
  /** Read and decide, make no call, write no state. */
  readonly dryRun?: boolean;
  /** RegisterScalableTarget calls in flight per region. Default 4. */
  readonly concurrency?: number;
  /** Time to read a region's targets. Default 30 s. */
  readonly regionTimeoutMs?: number;
  /** The metric `evac status` reads a target's running capacity from; default per namespace. */
  readonly capacityMetricOf?: (entry: PlanEntry) => MetricStat | undefined;
  /** Asked once with every change before the first call; false cancels (nothing changed). */
  readonly confirm?: (changes: readonly PlannedChange[]) => Promise<boolean>;
  /** Told each call's result as it lands. */
  readonly onResult?: (outcome: TargetOutcome) => void;
  readonly now?: () => Date;
}

/**
 * Pre-scales the healthy regions to a plan with RegisterScalableTarget: raises MinCapacity to
 * the planned Min, and MaxCapacity only where the config allows it (else the Min is capped at
 * Max). It never lowers a Min or a Max, so a second run changes nothing.
 *
 * Order: read every target's Min/Max; refuse a stale reviewed plan; ask for confirmation;
 * write the snapshot of prior Min/Max (atomically, before the first change); make the calls,
 * bounded per region, one audit line each. A target that still fails after the SDK's retries
 * is reported and the others proceed; running apply again finishes the rest.
 *
 * @throws EvacError exit 4 for an edited or stale plan, a cancelled confirmation, or a held lock.
 */
export async function applyPlan(options: ApplyOptions): Promise<ApplyResult> {
  const { plan } = options;
  const now = options.now ?? (() => new Date());
  // Edited (what apply would do differs from what was planned and reviewed) is checked here;
  // stale (a target's live Min/Max moved since it was observed) below, against the live values.
  if (options.reviewed && planFingerprint(plan) !== plan.fingerprint) {
    throw new EvacError(
      'the plan was edited after it was planned: its fingerprint does not match the targets, Min/Max or allowMaxIncrease it holds; nothing was changed',
      { exitCode: EXIT.refused, hint: 'plan again with evac plan --out, review it, and apply that file unedited' },
    );
  }

  const skipped: TargetOutcome[] = [];
  const candidates: { entry: PlanEntry; target: TargetRef; planned: MinMax; allowMax: boolean }[] = [];
  const unreachable = new Map(plan.unreachableRegions.map((u) => [u.region, u.reason]));
  for (const entry of plan.services) {
    if (entry.region === plan.failedRegion) continue;
    const t = entry.scalableTarget;
    const target = t ? { serviceNamespace: t.serviceNamespace, resourceId: t.resourceId, scalableDimension: t.scalableDimension } : null;
    const skip = (reason: string) =>
      skipped.push({
        region: entry.region,
        service: entry.service,
        label: target ? targetLabel(entry.region, target) : `${entry.region} ${entry.service}`,
        target,
        status: 'skipped',
        before: null,
        after: null,
        capped: false,
        reason,
      });
    if (!t || !target) skip('no scalable target configured');
    else if (entry.flags.includes('not-receiving')) skip('not receiving traffic: nothing to pre-scale');
    else if (unreachable.has(entry.region)) skip(`region unreachable when planned: ${unreachable.get(entry.region)}`);
    else if (entry.flags.includes('zero-capacity')) skip('current capacity is 0: a ratio cannot scale it, nothing planned (size it by hand)');
    else if (entry.targetMinCapacity === null || entry.targetMaxCapacity === null) skip('capacity unknown: nothing planned');
    else candidates.push({ entry, target, planned: { min: entry.targetMinCapacity, max: entry.targetMaxCapacity }, allowMax: t.allowMaxIncrease });
  }

  const release = options.dryRun ? () => {} : acquireStateLock(options.stateDir, 'apply');
  try {
    const live = await readLiveTargets(
      options.scaler,
      candidates.map((c) => ({ region: c.entry.region, target: c.target })),
      options.regionTimeoutMs ?? DEFAULT_REGION_TIMEOUT_MS,
    );
    const outcomes: TargetOutcome[] = [...skipped];
    const calls: ScalingCall<{ entry: PlanEntry; capped: boolean }>[] = [];
    const stale: string[] = [];
    const done: { entry: PlanEntry; target: TargetRef; live: MinMax }[] = [];
    for (const c of candidates) {
      const { entry, target } = c;
      const base = { region: entry.region, service: entry.service, label: targetLabel(entry.region, target), target };
      const regionError = live.errors.get(entry.region);
      const current = liveOf(live, entry.region, target);
      if (regionError !== undefined || !current) {
        const reason = regionError !== undefined ? `cannot read ${entry.region}: ${regionError}` : 'not a registered scalable target';
        outcomes.push({ ...base, status: 'failed', before: null, after: null, capped: false, reason });
        continue;
      }
      if (options.reviewed && entry.minCapacity !== null && entry.maxCapacity !== null) {
        const observed = { min: entry.minCapacity, max: entry.maxCapacity };
        // Already raised to exactly this plan (an earlier or interrupted run) is not stale.
        if (!sameMinMax(current, observed) && !sameMinMax(current, raiseTo(observed, c.planned, c.allowMax))) {
          stale.push(`  ${base.label}: planned with Min ${observed.min}/Max ${observed.max}, now Min ${current.min}/Max ${current.max}`);
        }
      }
      const next = raiseTo(current, c.planned, c.allowMax);
      if (sameMinMax(next, current)) {
        outcomes.push({ ...base, status: 'unchanged', before: current, after: current, capped: next.capped });
        done.push({ entry, target, live: current });
      } else {
        calls.push({
          region: entry.region,
          service: entry.service,
          target,
          before: current,
          after: { min: next.min, max: next.max },
          item: { entry, capped: next.capped },
        });
      }
    }
    if (stale.length > 0) {
      throw new EvacError(
        `the plan is stale: ${stale.length} target${stale.length > 1 ? 's' : ''} changed since it was planned; nothing was changed:\n${stale.join('\n')}`,
        {
          exitCode: EXIT.refused,
          hint: 'plan again (evac plan --out plan.json), review the new plan, and apply it',
        },
      );
    }
    const changes: PlannedChange[] = calls.map((c) => ({
      region: c.region,
      service: c.service,
      target: c.target,
      before: c.before,
      after: c.after,
      capped: c.item.capped,
    }));
    if (options.dryRun) {
      for (const c of calls)
        outcomes.push({
          region: c.region,
          service: c.service,
          label: targetLabel(c.region, c.target),
          target: c.target,
          status: 'would-raise',
          before: c.before,
          after: c.after,
          capped: c.item.capped,
        });
      return result(plan, true, null, changes, outcomes);
    }
    if (changes.length > 0 && options.confirm && !(await options.confirm(changes))) {
      throw new EvacError('cancelled: nothing was changed', { exitCode: EXIT.refused });
    }

    const snap = openSnapshot(options.stateDir, plan, now());
    const targetOf = (region: string, target: TargetRef) => snap.snapshot.targets.find((t) => t.region === region && targetKey(t) === targetKey(target));
    const metricOf = (entry: PlanEntry, target: TargetRef) => options.capacityMetricOf?.(entry) ?? defaultCapacityMetric(target) ?? null;
    for (const c of calls) {
      const known = targetOf(c.region, c.target);
      if (known) known.intended = c.after;
      else
        snap.snapshot.targets.push({
          region: c.region,
          service: c.service,
          ...c.target,
          prior: c.before,
          intended: c.after,
          applied: null,
          capacityMetric: metricOf(c.item.entry, c.target),
        });
    }
    // A run that stopped between a call and its bookkeeping: the target already holds what was intended.
    for (const d of done) {
      const known = targetOf(d.entry.region, d.target);
      if (known && known.applied === null && sameMinMax(known.intended, d.live)) known.applied = d.live;
    }
    if (calls.length === 0 && !snap.existed) return result(plan, false, null, changes, outcomes);
    snap.snapshot.plans.push({ fingerprint: plan.fingerprint, at: plan.at, appliedAt: now().toISOString() });
    snap.snapshot.updatedAt = now().toISOString();
    saveSnapshot(snap.file, snap.snapshot);

    const results = await runScalingCalls({
      scaler: options.scaler,
      calls,
      action: 'apply',
      stateDir: options.stateDir,
      snapshotId: snap.snapshot.id,
      concurrency: options.concurrency ?? DEFAULT_CONCURRENCY,
      now,
      onResult: (r) => options.onResult?.(outcomeOf(r)),
    });
    for (const r of results) {
      outcomes.push(outcomeOf(r));
      if (r.ok) {
        const known = targetOf(r.region, r.target);
        if (known) known.applied = r.after;
      }
    }
    snap.snapshot.updatedAt = now().toISOString();
    saveSnapshot(snap.file, snap.snapshot);
    return result(plan, false, snap.file, changes, outcomes);
  } finally {
    release();
  }
}

/** The active snapshot of this failed region (earlier or interrupted runs), or a new one. */
function openSnapshot(stateDir: string, plan: Plan, now: Date): { file: string; snapshot: Snapshot; existed: boolean } {
  const active = findActiveSnapshot(stateDir, plan.failedRegion);
  if (active) return { file: active.file, snapshot: structuredClone(active.snapshot), existed: true };
  const id = newSnapshotId(plan.failedRegion, now);
  const snapshot: Snapshot = {
    schemaVersion: SNAPSHOT_SCHEMA_VERSION,
    kind: 'evac-snapshot',
    id,
    failedRegion: plan.failedRegion,
    createdAt: now.toISOString(),
    updatedAt: now.toISOString(),
    status: 'active',
    restoredAt: null,
    plans: [],
    targets: [],
  };
  return { file: snapshotFile(stateDir, id), snapshot, existed: false };
}

function outcomeOf(r: CallResult<{ entry: PlanEntry; capped: boolean }>): TargetOutcome {
  const base = { region: r.region, service: r.service, label: targetLabel(r.region, r.target), target: r.target, before: r.before, capped: r.item.capped };
  return r.ok ? { ...base, status: 'raised', after: r.after } : { ...base, status: 'failed', after: null, reason: r.error };
}

function result(plan: Plan, dryRun: boolean, snapshotFile: string | null, changes: PlannedChange[], outcomes: TargetOutcome[]): ApplyResult {
  outcomes.sort((a, b) => compareNames(a.region, b.region) || compareNames(a.label, b.label));
  const summary = { raised: 0, 'would-raise': 0, unchanged: 0, failed: 0, skipped: 0, capped: 0 };
  for (const o of outcomes) {
    summary[o.status] += 1;
    if (o.capped) summary.capped += 1;
  }
  return { failedRegion: plan.failedRegion, dryRun, snapshotFile, changes, targets: outcomes, summary };
}
