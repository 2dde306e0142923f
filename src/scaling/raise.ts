import { BugError } from '../errors.ts';
import type { MinMax } from './scaler.ts';

export interface Raise extends MinMax {
  /** The plan wants a Min above the Max that may be set: Min is capped at Max. */
  readonly capped: boolean;
}

/**
 * The Min/Max to set so a target meets the plan, from what it has now:
 * max' = allowMaxIncrease ? max(live.max, planned.max, planned.min) : live.max, and
 * min' = max(live.min, min(planned.min, max')). Neither ever goes below today's value, so
 * applying twice, or after someone raised a target further, changes nothing.
 *
 * @throws BugError when a planned or live value is not a finite number: `Math.max` with NaN is
 * NaN, which would be sent as a lower Min. Plans are checked against the plan schema long before.
 */
export function raiseTo(live: MinMax, planned: MinMax, allowMaxIncrease: boolean): Raise {
  for (const v of [live.min, live.max, planned.min, planned.max]) {
    if (!Number.isFinite(v))
      throw new BugError(`raiseTo got a non-finite capacity (${v}): live ${live.min}/${live.max}, planned ${planned.min}/${planned.max}`);
  }
  const max = allowMaxIncrease ? Math.max(live.max, planned.max, planned.min) : live.max;
  const min = Math.max(live.min, Math.min(planned.min, max));
  return { min, max, capped: planned.min > max };
}

export function sameMinMax(a: MinMax | null | undefined, b: MinMax | null | undefined): boolean {
  return !!a && !!b && a.min === b.min && a.max === b.max;
}
