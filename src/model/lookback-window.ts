import type { EvacuationWindow } from './planning-data.ts';

export interface LookbackWindow {
  /** Exclusive lower bound, epoch seconds. */
  readonly start: number;
  /** Inclusive upper bound, epoch seconds. */
  readonly end: number;
}

/**
 * The history used for planning: end = min(at, latest traffic sample), and samples with
 * end - lookbackDays*24h < t <= end.
 */
export function lookbackWindow(at: number, latestTraffic: number, lookbackDays: number): LookbackWindow {
  const end = Math.min(at, latestTraffic);
  return { start: end - lookbackDays * 86_400, end };
}

/**
 * Builds the sample filter: inside the lookback window and outside every past evacuation
 * window [start, end), since traffic during an evacuation is not nominal.
 */
export function sampleFilter(window: LookbackWindow, evacuations: readonly EvacuationWindow[]): (t: number) => boolean {
  const relevant = evacuations.filter((e) => e.end > window.start && e.start <= window.end);
  if (relevant.length === 0) return (t) => t > window.start && t <= window.end;
  return (t) => {
    if (!(t > window.start && t <= window.end)) return false;
    for (const e of relevant) if (t >= e.start && t < e.end) return false;
    return true;
  };
}
