import { DEFAULT_REGION_TIMEOUT_MS } from '../async/regions.ts';
import { EvacError, EXIT } from '../errors.ts';
import { compareNames } from '../model/name-order.ts';
import type { RestoreOutcome, RestoreResult } from '../report/restore-schema.ts';
import { sameMinMax } from '../scaling/raise.ts';
import { type MinMax, type Scaler, targetLabel } from '../scaling/scaler.ts';
import { loadSnapshot, type SnapshotTarget, saveSnapshot } from '../state/snapshot.ts';
import { acquireStateLock } from '../state/state-lock.ts';
import { DEFAULT_CONCURRENCY, liveOf, readLiveTargets, runScalingCalls, type ScalingCall } from './scaling-calls.ts';

/** The result types are the contract's (src/report/restore-schema.ts), re-exported for the callers of this service. */
export type { RestoreOutcome, RestoreResult, RestoreStatus } from '../report/restore-schema.ts';

export interface RestoreOptions {
  readonly snapshotFile: string;
  readonly scaler: Scaler;
  /** Where the audit log and lock live. */
  readonly stateDir: string;
  /** Also restore targets someone else changed after evac did. */
  readonly force?: boolean;
  readonly dryRun?: boolean;
  readonly concurrency?: number;
  readonly regionTimeoutMs?: number;
  /** Asked once before the first call; false cancels (nothing changed). */
  readonly confirm?: (changes: readonly RestoreOutcome[]) => Promise<boolean>;
  readonly onResult?: (outcome: RestoreOutcome) => void;
  readonly now?: () => Date;
}

/**
 * Puts every target of a snapshot back to exactly its prior Min/Max. A target whose Min/Max is
 * neither the prior nor what evac set was changed by someone else since: the whole restore is
 * refused, naming those targets, unless `force`. Targets already at their prior are left alone,
 * so a re-run after a partial failure finishes the rest; once all are back, the snapshot is
 * marked restored.
 *
 * @throws EvacError exit 4 when targets changed by others (without force), on cancel, or a held lock.
 */
export async function restoreSnapshot(options: RestoreOptions): Promise<RestoreResult> {
  const now = options.now ?? (() => new Date());
  const snapshot = loadSnapshot(options.snapshotFile);
  const release = options.dryRun ? () => {} : acquireStateLock(options.stateDir, 'restore');
  try {
    const live = await readLiveTargets(
      options.scaler,
      snapshot.targets.map((t) => ({ region: t.region, target: t })),
      options.regionTimeoutMs ?? DEFAULT_REGION_TIMEOUT_MS,
    );
    const outcomes: RestoreOutcome[] = [];
    const calls: ScalingCall<{ changedByOthers: boolean }>[] = [];
    const changed: string[] = [];
    for (const t of snapshot.targets) {
      const base = { region: t.region, service: t.service, label: targetLabel(t.region, t), after: t.prior };
      const regionError = live.errors.get(t.region);
      const current = liveOf(live, t.region, t);
      if (regionError !== undefined) {
        outcomes.push({ ...base, status: 'failed', before: null, changedByOthers: false, reason: `cannot read ${t.region}: ${regionError}` });
        continue;
      }
      if (!current) {
        outcomes.push({ ...base, status: 'skipped', before: null, changedByOthers: false, reason: 'no longer a registered scalable target' });
        continue;
      }
      if (sameMinMax(current, t.prior)) {
        outcomes.push({ ...base, status: 'unchanged', before: current, changedByOthers: false });
        continue;
      }
      const byOthers = !setByEvac(t, current);
      if (byOthers)
        changed.push(
          `  ${base.label}: evac set Min ${(t.applied ?? t.intended).min}/Max ${(t.applied ?? t.intended).max}, now Min ${current.min}/Max ${current.max}`,
        );
      calls.push({ region: t.region, service: t.service, target: t, before: current, after: t.prior, item: { changedByOthers: byOthers } });
    }
    if (changed.length > 0 && !options.force) {
      throw new EvacError(
        `${changed.length} target${changed.length > 1 ? 's were' : ' was'} changed by someone else since evac set ${changed.length > 1 ? 'them' : 'it'}; nothing was restored:\n${changed.join('\n')}`,
        {
          exitCode: EXIT.refused,
          hint: `check with whoever changed them; evac restore --snapshot ${options.snapshotFile} --force puts them back to their prior Min/Max anyway`,
        },
      );
    }
    const pending = calls.map((c) => ({
      region: c.region,
      service: c.service,
      label: targetLabel(c.region, c.target),
      before: c.before,
      after: c.after,
      changedByOthers: c.item.changedByOthers,
    }));
    if (options.dryRun) {
      outcomes.push(...pending.map((p) => ({ ...p, status: 'would-restore' as const })));
      return result(options.snapshotFile, snapshot.failedRegion, true, false, outcomes);
    }
    if (calls.length > 0 && options.confirm && !(await options.confirm(pending.map((p) => ({ ...p, status: 'would-restore' as const }))))) {
      throw new EvacError('cancelled: nothing was restored', { exitCode: EXIT.refused });
    }
    const results = await runScalingCalls({
      scaler: options.scaler,
      calls,
      action: 'restore',
      stateDir: options.stateDir,
      snapshotId: snapshot.id,
      concurrency: options.concurrency ?? DEFAULT_CONCURRENCY,
      now,
      onResult: (r) => options.onResult?.(outcomeOf(r)),
    });
    outcomes.push(...results.map(outcomeOf));
    const complete = outcomes.every((o) => o.status === 'restored' || o.status === 'unchanged' || o.status === 'skipped');
    if (complete && snapshot.status !== 'restored') {
      saveSnapshot(options.snapshotFile, { ...snapshot, status: 'restored', restoredAt: now().toISOString(), updatedAt: now().toISOString() });
    }
    return result(options.snapshotFile, snapshot.failedRegion, false, complete, outcomes);
  } finally {
    release();
  }
}

/** Does the target hold what evac set (or was about to set when a run stopped)? */
function setByEvac(t: SnapshotTarget, current: MinMax): boolean {
  return sameMinMax(current, t.intended) || sameMinMax(current, t.applied);
}

function outcomeOf(r: ScalingCall<{ changedByOthers: boolean }> & ({ ok: true } | { ok: false; error: string })): RestoreOutcome {
  const base = {
    region: r.region,
    service: r.service,
    label: targetLabel(r.region, r.target),
    before: r.before,
    after: r.after,
    changedByOthers: r.item.changedByOthers,
  };
  return r.ok ? { ...base, status: 'restored' } : { ...base, status: 'failed', reason: r.error };
}

function result(snapshotFile: string, failedRegion: string, dryRun: boolean, complete: boolean, outcomes: RestoreOutcome[]): RestoreResult {
  outcomes.sort((a, b) => compareNames(a.region, b.region) || compareNames(a.label, b.label));
  const summary = { restored: 0, 'would-restore': 0, unchanged: 0, failed: 0, skipped: 0 };
  for (const o of outcomes) summary[o.status] += 1;
  return { snapshotFile, failedRegion, dryRun, complete, targets: outcomes, summary };
}
