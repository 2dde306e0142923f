export interface CapacityInput {
  /** Running capacity now. */
  readonly current: number;
  /** The evacuation ratio to plan for. */
  readonly ratio: number;
  readonly headroom: number;
  /** Today's MinCapacity and MaxCapacity. */
  readonly min: number;
  readonly max: number;
  /** May the plan raise MaxCapacity? Otherwise the target is capped at today's max. */
  readonly allowMaxIncrease?: boolean;
}

export interface CapacityTarget {
  /** ceil(current * ratio * (1 + headroom)), ignoring float noise below 1e-9. */
  readonly requiredCapacity: number;
  /** The MinCapacity to set: min(max, max(min, required)), with max the target max. */
  readonly targetMinCapacity: number;
  /** The MaxCapacity to set: today's, or the required capacity where raising it is allowed. */
  readonly targetMaxCapacity: number;
  /** The plan needs more than today's MaxCapacity and may not raise it. */
  readonly exceedsMax: boolean;
}

/** ceil(current * ratio * (1 + headroom) - 1e-9): the tolerance keeps 21.000000004 at 21. */
export function requiredCapacity(current: number, ratio: number, headroom: number): number {
  return Math.max(0, Math.ceil(current * ratio * (1 + headroom) - 1e-9));
}

/**
 * Capacity to pre-scale to. The target never goes below today's MinCapacity or MaxCapacity;
 * above today's max only where the config allows it, otherwise it is capped and flagged.
 */
export function capacityTarget(input: CapacityInput): CapacityTarget {
  const required = requiredCapacity(input.current, input.ratio, input.headroom);
  const targetMaxCapacity = input.allowMaxIncrease ? Math.max(input.max, required) : input.max;
  const targetMinCapacity = Math.min(targetMaxCapacity, Math.max(input.min, required));
  return { requiredCapacity: required, targetMinCapacity, targetMaxCapacity, exceedsMax: required > targetMaxCapacity };
}
