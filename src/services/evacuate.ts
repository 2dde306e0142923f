import { type LoadedConfig, loadConfig } from '../config/load-config.ts';
import type { MetricStat } from '../config/metric-query.ts';
import { planUnits, resolveScope } from '../config/resolve-scope.ts';
import { EvacError } from '../errors.ts';
import type { Plan, PlanEntry } from '../report/plan-schema.ts';
import type { CapacityReader } from '../scaling/scaler.ts';
import { loadSnapshot } from '../state/snapshot.ts';
import { type ApplyOptions, type ApplyResult, applyPlan } from './apply.ts';
import { type PlanOptions, planEvacuation } from './plan.ts';
import { readPlanFile } from './plan-file.ts';
import { type StatusResult, waitForTargets } from './status.ts';

/** Where the plan to apply comes from. */
export type PlanInput =
  /** A reviewed plan file: it must be unedited, and its targets unchanged since it was planned. */
  | { readonly file: string; readonly failedRegion?: string; readonly configDir?: string }
  /** A plan made now from the data. */
  | { readonly planOptions: PlanOptions }
  /** A plan already made and shown (the incident UI): `reviewed` refuses it when targets moved since. */
  | { readonly plan: Plan; readonly reviewed: boolean; readonly config?: LoadedConfig };

export interface EvacuateOptions extends Omit<ApplyOptions, 'plan' | 'reviewed' | 'capacityMetricOf'> {
  readonly input: PlanInput;
  /** Told the plan once it is made or read, before anything is read from AWS. */
  readonly onPlan?: (plan: Plan) => void;
  /** Poll running capacity until every target reaches its new Min (not on a dry run). */
  readonly wait?: {
    readonly capacity: CapacityReader;
    readonly timeoutMs: number;
    readonly intervalMs: number;
    readonly onPoll?: (status: StatusResult) => void;
  };
}

export interface EvacuateResult {
  readonly plan: Plan;
  readonly result: ApplyResult;
  /** The last status polled, when asked to wait and something was applied. */
  readonly waited: { readonly status: StatusResult; readonly reached: boolean } | null;
}

/**
 * What `evac apply` and the incident UI's apply do: get the plan (read a reviewed file, plan
 * now, or take the one shown), pre-scale with `applyPlan` (snapshot, audit log, lock, stale-plan
 * refusal), and optionally wait for running capacity to reach the new Mins.
 *
 * @throws EvacError exit 2 for a plan file that is missing, not a plan, or for another region;
 *   exit 4 from applyPlan (edited or stale plan, cancel, held lock).
 */
export async function evacuate(options: EvacuateOptions): Promise<EvacuateResult> {
  const { input, onPlan, wait, ...apply } = options;
  let plan: Plan;
  let reviewed: boolean;
  let config: LoadedConfig | undefined;
  if ('file' in input) {
    plan = readPlanFile(input.file);
    if (input.failedRegion !== undefined && input.failedRegion !== plan.failedRegion) {
      throw new EvacError(`${input.file} plans the evacuation of ${plan.failedRegion}, not ${input.failedRegion}`, {
        hint: `drop --failed, or plan ${input.failedRegion} with evac plan --failed ${input.failedRegion} --out FILE`,
      });
    }
    reviewed = true;
    const loaded = loadConfig(input.configDir ?? plan.configDir);
    config = loaded.ok ? loaded.data : undefined;
  } else if ('planOptions' in input) {
    plan = await planEvacuation(input.planOptions);
    reviewed = false;
    config = input.planOptions.config;
  } else {
    ({ plan, reviewed, config } = input);
  }
  onPlan?.(plan);
  const result = await applyPlan({ ...apply, plan, reviewed, ...(config ? { capacityMetricOf: capacityMetricResolver(config) } : {}) });
  let waited: EvacuateResult['waited'] = null;
  if (wait && !apply.dryRun && result.snapshotFile) {
    waited = await waitForTargets({
      snapshot: loadSnapshot(result.snapshotFile),
      scaler: apply.scaler,
      capacity: wait.capacity,
      timeoutMs: wait.timeoutMs,
      intervalMs: wait.intervalMs,
      ...(apply.regionTimeoutMs === undefined ? {} : { regionTimeoutMs: apply.regionTimeoutMs }),
      ...(wait.onPoll ? { onPoll: wait.onPoll } : {}),
    });
  }
  return { plan, result, waited };
}

/** The metric `evac status` reads a plan entry's running capacity from, as its scope configures. */
export function capacityMetricResolver(config: LoadedConfig): (entry: PlanEntry) => MetricStat | undefined {
  return (entry) => {
    const service = config.services.find((s) => s.config.service === entry.baseService);
    const unit = service ? planUnits(service.config).find((u) => u.name === entry.service) : undefined;
    return service && unit ? resolveScope(service.config, unit, entry.region).capacityMetric : undefined;
  };
}
