import { EvacError, EXIT } from '../errors.ts';
import type { Plan } from '../report/plan-schema.ts';
import { type MinMax, type Scaler, type TargetRef, targetKey } from './scaler.ts';

/**
 * A scaler that knows only what a plan saw: each target's Min/Max at plan time. It lets a dry
 * run show the calls an apply would make without an AWS source (the files source), and refuses
 * every change.
 */
export class PlannedMinMaxScaler implements Scaler {
  constructor(
    private readonly plan: Plan,
    private readonly refusal: string,
  ) {}

  async describeTargets(region: string, targets: readonly TargetRef[]): Promise<Map<string, MinMax>> {
    const wanted = new Set(targets.map(targetKey));
    const out = new Map<string, MinMax>();
    for (const e of this.plan.services) {
      if (e.region !== region || !e.scalableTarget || e.minCapacity === null || e.maxCapacity === null) continue;
      const k = targetKey(e.scalableTarget);
      if (wanted.has(k)) out.set(k, { min: e.minCapacity, max: e.maxCapacity });
    }
    return out;
  }

  async setCapacity(): Promise<void> {
    throw new EvacError(this.refusal, { exitCode: EXIT.badInput });
  }
}
