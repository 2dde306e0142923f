import type { Plan } from '../../src/report/plan-schema.ts';
import type { ApplyResult, PlannedChange, TargetOutcome } from '../../src/services/apply.ts';
import type { DayProfile } from '../../src/services/day-profile.ts';
import type { PlanRequest } from '../../src/services/incident.ts';
import type { RestoreOutcome, RestoreResult } from '../../src/services/restore.ts';
import type { StatusResult } from '../../src/services/status.ts';

/** What the cockpit plans with: the incident service (or a fake in tests). */
export interface CockpitPlanner {
  plan(request: PlanRequest): Promise<Plan>;
  dayProfile(plan: Plan, entry: Plan['services'][number]): Promise<DayProfile>;
  /** Forget the data loaded (Ctrl-R): the next plan reads it again. */
  reload(): void;
}

/**
 * What the cockpit changes with: the services `evac apply`, `status` and `restore` use, bound to
 * one state directory and one set of AWS clients by `evac ui`; a fake in the UI tests.
 */
export interface CockpitActions {
  /** Why nothing can be applied or restored from here (files source), or null. */
  readonly refusal: string | null;
  /** A dry run of the apply: the exact calls. */
  reviewApply(plan: Plan): Promise<readonly PlannedChange[]>;
  /** Applies the reviewed plan (stale-plan refusal, snapshot, audit log, lock). */
  apply(plan: Plan, onResult: (outcome: TargetOutcome) => void): Promise<ApplyResult>;
  /** Progress of the active pre-scaling, or null when there is none. */
  status(): Promise<StatusResult | null>;
  /** A dry run of the restore of the active snapshot. */
  reviewRestore(): Promise<{ readonly failedRegion: string; readonly changes: readonly RestoreOutcome[] }>;
  restore(onResult: (outcome: RestoreOutcome) => void): Promise<RestoreResult>;
}
