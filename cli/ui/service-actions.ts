import type { LoadedConfig } from '../../src/config/load-config.ts';
import { EvacError } from '../../src/errors.ts';
import type { Plan } from '../../src/report/plan-schema.ts';
import { PlannedMinMaxScaler } from '../../src/scaling/plan-scaler.ts';
import type { CapacityReader, Scaler } from '../../src/scaling/scaler.ts';
import { evacuate } from '../../src/services/evacuate.ts';
import { restoreSnapshot } from '../../src/services/restore.ts';
import { readStatus } from '../../src/services/status.ts';
import { findActiveSnapshot } from '../../src/state/snapshot.ts';
import type { CockpitActions } from './cockpit-actions.ts';

export interface AwsActionsOptions {
  readonly config: LoadedConfig;
  readonly scaler: Scaler;
  readonly capacity: CapacityReader;
  readonly stateDir: string;
  readonly concurrency: number;
  readonly regionTimeoutMs: number;
}

/**
 * The cockpit's apply, status and restore over AWS: the same services, state directory, lock,
 * snapshot and audit log as `evac apply`, `evac status` and `evac restore`. The plan shown is
 * applied as reviewed: a target whose Min/Max moved since it was planned refuses the apply.
 */
export function awsActions(o: AwsActionsOptions): CockpitActions {
  const base = { scaler: o.scaler, stateDir: o.stateDir, concurrency: o.concurrency, regionTimeoutMs: o.regionTimeoutMs };
  const input = (plan: Plan) => ({ plan, reviewed: true, config: o.config });
  const active = () => {
    const found = findActiveSnapshot(o.stateDir);
    if (!found) throw new EvacError(`no active snapshot in ${o.stateDir}/snapshots: nothing to restore`);
    return found;
  };
  return {
    refusal: null,
    reviewApply: async (plan) => (await evacuate({ ...base, input: input(plan), dryRun: true })).result.changes,
    apply: async (plan, onResult) => (await evacuate({ ...base, input: input(plan), onResult })).result,
    async status() {
      const found = findActiveSnapshot(o.stateDir);
      return found ? readStatus({ snapshot: found.snapshot, scaler: o.scaler, capacity: o.capacity, regionTimeoutMs: o.regionTimeoutMs }) : null;
    },
    async reviewRestore() {
      const found = active();
      const r = await restoreSnapshot({ ...base, snapshotFile: found.file, dryRun: true });
      return { failedRegion: found.snapshot.failedRegion, changes: r.targets.filter((t) => t.status === 'would-restore') };
    },
    restore: async (onResult) => restoreSnapshot({ ...base, snapshotFile: active().file, onResult }),
  };
}

export const NO_AWS_SOURCE =
  'no AWS source: this review uses the Min/Max seen when planned and nothing can be applied from here; run evac ui --source aws (or evac apply) to pre-scale';

/** The files source: the review is shown (from the Min/Max in the plan), apply and restore are refused. */
export function filesActions(stateDir: string): CockpitActions {
  const refuse = async (): Promise<never> => {
    throw new EvacError(NO_AWS_SOURCE);
  };
  return {
    refusal: NO_AWS_SOURCE,
    reviewApply: async (plan) =>
      (await evacuate({ input: { plan, reviewed: false }, scaler: new PlannedMinMaxScaler(plan, NO_AWS_SOURCE), stateDir, dryRun: true })).result.changes,
    apply: refuse,
    status: async () => null,
    reviewRestore: refuse,
    restore: refuse,
  };
}
