import { z } from 'zod';
import type { MetricStat } from '../config/metric-query.ts';

/** An Application Auto Scaling scalable target, as its three identifying fields. */
export const TargetRefSchema = z.object({
  serviceNamespace: z.string(),
  resourceId: z.string(),
  scalableDimension: z.string(),
});
export type TargetRef = Readonly<z.infer<typeof TargetRefSchema>>;

/**
 * A target's MinCapacity and MaxCapacity: whole numbers, at least 0 (Application Auto Scaling's
 * rule). The one schema of a Min/Max, in snapshots, audit lines and the apply/restore/status JSON.
 */
export const MinMaxSchema = z.strictObject({ min: z.number().int().min(0), max: z.number().int().min(0) });
export type MinMax = Readonly<z.infer<typeof MinMaxSchema>>;

export interface CallOptions {
  /** Aborts the call (and its retries), e.g. when a region's time is up. */
  readonly signal?: AbortSignal;
}

/**
 * A port: reads and sets the Min/Max of scalable targets in one region. The Application Auto
 * Scaling adapter implements it; services never know which one they got.
 */
export interface Scaler {
  /**
   * Today's Min/Max of each target that exists, keyed by `targetKey`; a target that is not
   * registered is absent from the map. Throws when the region cannot be read.
   */
  describeTargets(region: string, targets: readonly TargetRef[], options?: CallOptions): Promise<Map<string, MinMax>>;
  /** Sets both MinCapacity and MaxCapacity of one target. Throws when the call fails. */
  setCapacity(region: string, target: TargetRef, capacity: MinMax, options?: CallOptions): Promise<void>;
}

/** A stable key of a target within a region. */
export function targetKey(target: TargetRef): string {
  return `${target.serviceNamespace} ${target.resourceId} ${target.scalableDimension}`;
}

/** How a target is named to people: `us-east-1 service/prod/drm (ecs:service:DesiredCount)`. */
export function targetLabel(region: string, target: TargetRef): string {
  return `${region} ${target.resourceId} (${target.scalableDimension})`;
}

/**
 * A port: the running capacity of targets (tasks, instances...), read from their capacity
 * metrics. The CloudWatch adapter implements it for `evac status`.
 */
export interface CapacityReader {
  /** The latest value of each metric at or before `at` (epoch seconds), by the caller's key; absent when it has none. */
  currentCapacity(region: string, metrics: ReadonlyMap<string, MetricStat>, at: number, options?: CallOptions): Promise<Map<string, number>>;
}
