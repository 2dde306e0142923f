import type { LoadedConfig } from '../config/load-config.ts';
import { meanInSlice, type WindowSlice, windowSlices } from '../model/backtest-slices.ts';
import { observedSteering, type TrafficSlice } from '../model/empirical-steering.ts';
import { getOrInsert } from '../model/get-or-insert.ts';
import { lookbackWindow, sampleFilter } from '../model/lookback-window.ts';
import type { EvacuationWindow, PlanningData } from '../model/planning-data.ts';
import { type DayTypes, regionDayType } from '../model/day-type.ts';
import { buildPlanIndex, type PlanIndex, regionLevelsOn } from './plan-index.ts';

export interface SteeringObservation {
  readonly region: string;
  readonly configured: number;
  /** Null when no traffic left the failed region or a region has no traffic data. */
  readonly observed: number | null;
}

/**
 * The nominal traffic index of the history `evac plan --at START` uses for an evacuation,
 * for the buckets of its window, with the config's day types.
 */
export function historyIndex(config: LoadedConfig, data: PlanningData, evacuation: EvacuationWindow, slices: readonly WindowSlice[]): PlanIndex {
  const evac = config.evacuation;
  let latest = Number.NEGATIVE_INFINITY;
  for (const s of data.traffic) if (s.t > latest) latest = s.t;
  const window = lookbackWindow(evacuation.start, latest, evac.lookbackDays);
  const dayTypes: DayTypes = { rule: evac.dayTypes, timeZones: evac.timeZones };
  return buildPlanIndex(
    { ...data, traces: [], demand: [], capacity: [] },
    sampleFilter(window, data.evacuations),
    evac.bucketMinutes,
    new Set(slices.map((s) => s.bucket)),
    dayTypes,
  );
}

/**
 * For every healthy region of the failed region's steering (and any other region with
 * traffic), the fraction of the failed region's traffic it received during the evacuation,
 * next to the configured fraction. Nominal traffic is per slice: the bucket's level for the
 * slice's day type, from the history before the evacuation.
 */
export function evacuationSteering(config: LoadedConfig, data: PlanningData, evacuation: EvacuationWindow): SteeringObservation[] {
  const evac = config.evacuation;
  const slices = windowSlices(evacuation.start, evacuation.end, evac.bucketMinutes);
  const index = historyIndex(config, data, evacuation, slices);
  const dayTypes: DayTypes = { rule: evac.dayTypes, timeZones: evac.timeZones };
  const inWindow = new Map<string, Map<string, { t: number; value: number }[]>>();
  for (const s of data.traffic) {
    if (s.t < evacuation.start || s.t >= evacuation.end) continue;
    getOrInsert(
      getOrInsert(inWindow, s.region, () => new Map()),
      s.device,
      () => [],
    ).push({ t: s.t, value: s.value });
  }
  const trafficSlices = (region: string): TrafficSlice[] | undefined => {
    const byDevice = inWindow.get(region);
    if (!byDevice) return undefined;
    const out: TrafficSlice[] = [];
    for (const slice of slices) {
      let observed = 0;
      for (const samples of byDevice.values()) observed += meanInSlice(samples, slice) ?? 0;
      let nominal = 0;
      for (const v of regionLevelsOn(index, region, slice.bucket, regionDayType(dayTypes, region, slice.start)).levels.values()) nominal += v ?? 0;
      out.push({ duration: slice.end - slice.start, observed, nominal });
    }
    return out;
  };
  const failed = trafficSlices(evacuation.failedRegion);
  const configured = evac.steering[evacuation.failedRegion] ?? {};
  return evac.regions
    .filter((r) => r !== evacuation.failedRegion)
    .map((region) => {
      const receiving = trafficSlices(region);
      return { region, configured: configured[region] ?? 0, observed: receiving && failed ? observedSteering(receiving, failed) : null };
    });
}

/** How far the configured steering may be from the last observed evacuation before validate warns. */
export const STEERING_TOLERANCE = 0.1;

/**
 * For each failed region, its last past evacuation's regions whose configured steering differs
 * from the observed fraction by more than STEERING_TOLERANCE.
 */
export function steeringDrift(
  config: LoadedConfig,
  data: PlanningData,
): { failedRegion: string; start: number; region: string; configured: number; observed: number }[] {
  const last = new Map<string, EvacuationWindow>();
  for (const e of data.evacuations) {
    const known = last.get(e.failedRegion);
    if (!known || e.start > known.start) last.set(e.failedRegion, e);
  }
  const out: { failedRegion: string; start: number; region: string; configured: number; observed: number }[] = [];
  for (const e of [...last.values()].sort((a, b) => a.start - b.start)) {
    if (!config.evacuation.regions.includes(e.failedRegion)) continue;
    for (const s of evacuationSteering(config, data, e)) {
      if (s.observed !== null && Math.abs(s.observed - s.configured) > STEERING_TOLERANCE) {
        out.push({ failedRegion: e.failedRegion, start: e.start, region: s.region, configured: s.configured, observed: s.observed });
      }
    }
  }
  return out;
}
