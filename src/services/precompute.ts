import type { LoadedConfig } from '../config/load-config.ts';
import { planUnits, resolveScope } from '../config/resolve-scope.ts';
import { BugError, EvacError } from '../errors.ts';
import { bucketOf, bucketsPerDay } from '../model/bucket.ts';
import { lookbackWindow, sampleFilter } from '../model/lookback-window.ts';
import { NominalLevels } from '../model/nominal-level.ts';
import type { DayTypes } from '../model/day-type.ts';
import type { DemandSample, PlanningData, TraceSample, TrafficSample } from '../model/planning-data.ts';
import type { DataDirContent, PrecomputeManifest } from '../sources/data-files.ts';
import type { DataSource } from '../sources/data-source.ts';
import { buildPlanIndex, splitKey } from './plan-index.ts';

export interface PrecomputeOptions {
  readonly config: LoadedConfig;
  readonly source: DataSource;
  /** When the job runs, epoch seconds: the history ends at min(now, latest traffic sample). */
  readonly now: number;
}

export interface Precomputed {
  /** The history folded to one sample per series and bucket, in the files source's layout. */
  readonly data: PrecomputedData;
  /** What to write beside it (writeDataDir adds the row counts and the index by bucket). */
  readonly manifest: Omit<PrecomputeManifest, 'rows' | 'byBucket'>;
  readonly unreachable: readonly { readonly region: string; readonly reason: string }[];
  /** The config's day types: writeDataDir finds demand's levels with them, for plans from the directory. */
  readonly dayTypes: DayTypes;
}

/**
 * The folded history: its traces and demand are made as they are iterated (each time), sorted
 * by time-of-day bucket then time, so that millions of folded demand samples are written out
 * without being held at once. `collect` turns it into PlanningData.
 */
export type PrecomputedData = DataDirContent;

/** Every row of precomputed data, held in memory (for a plan straight from it). */
export function collect(data: PrecomputedData): PlanningData {
  return { ...data, traces: [...data.traces], demand: [...data.demand] };
}

/**
 * The scheduled job: reads the history once (from files or CloudWatch) and folds it into what
 * planning needs, so that an incident never waits on metrics or on the failing region's APIs.
 *
 * Traffic and demand become one sample per series, date and time-of-day bucket holding that
 * date's mean (so medians over the dates of a day type come out as from the full history),
 * stamped at the bucket's start that date (the window's start + 1 s for a bucket cut by it, the
 * end itself for the end's own bucket); trace counts become one summed sample per bucket,
 * stamped at the start of its latest occurrence before the history's end. Past evacuations are
 * already left out. Planning from the result, at any time after that end, gives the same
 * ratios, intervals and capacities as planning from the full history (a test holds it to that).
 * Capacity rows are copied as read: at incident time, prefer live ones. Traces and demand come
 * sorted by time-of-day bucket (then time), traffic by time.
 */
export async function precompute(options: PrecomputeOptions): Promise<Precomputed> {
  const { config, now } = options;
  const { bucketMinutes, lookbackDays } = config.evacuation;
  // Folded in its own function: the samples read can be freed before the output is made.
  const { index, window, capacity, loaded } = await fold(options);

  // Each bucket's latest start at or before the end, all within the last 24 hours; the end's
  // own bucket at the end itself, so that a plan from the result reports the same history end.
  const endBucket = bucketOf(window.end, bucketMinutes);
  const endBucketStart = window.end - (window.end % (bucketMinutes * 60));
  const stamp = (b: number) => (b === endBucket ? window.end : endBucketStart - (endBucket - b) * bucketMinutes * 60 - (b > endBucket ? 86_400 : 0));

  const step = bucketMinutes * 60;
  const endDay = Math.floor(window.end / 86_400);
  const dateStamp = (day: number, b: number) => (day === endDay && b === endBucket ? window.end : Math.max(window.start + 1, day * 86_400 + b * step));
  const buckets = Array.from({ length: index.bucketCount }, (_, b) => b);
  const traffic: TrafficSample[] = [];
  for (const k of index.traffic.keys()) {
    const [region, device] = splitKey(k);
    for (const b of buckets) for (const [day, value] of index.traffic.dates(k, b)) traffic.push({ t: dateStamp(day, b), region, device, value });
  }
  traffic.sort((a, b) => a.t - b.t);
  // Traces and demand by bucket, then time: writeDataDir indexes where each bucket's rows lie,
  // and a plan reads only the buckets it needs.
  const traceSeries = [...index.traceCounts].flatMap(([k, byDevice]) => [...byDevice].map(([device, counts]) => ({ key: splitKey(k), device, counts })));
  // Folded from the samples read (a source answers a load without `buckets` with samples, never levels).
  const levels = index.demand;
  if (!(levels instanceof NominalLevels)) throw new BugError('precompute: demand came as levels found already, not as samples');
  const demandKeys = Array.from(levels.keys(), (k) => ({ k, key: splitKey(k) }));
  const traces = function* (): Generator<TraceSample> {
    for (const b of buckets) {
      for (const {
        key: [region, service],
        device,
        counts,
      } of traceSeries) {
        const count = counts.at(b) ?? 0;
        if (count > 0) yield { t: stamp(b), region, service, device, count };
      }
    }
  };
  const demand = function* (): Generator<DemandSample> {
    for (const b of buckets) {
      const rows: DemandSample[] = [];
      for (const {
        k,
        key: [region, service],
      } of demandKeys) {
        for (const [day, value] of levels.dates(k, b)) rows.push({ t: dateStamp(day, b), region, service, value });
      }
      yield* rows.sort((x, y) => x.t - y.t);
    }
  };
  return {
    data: { traffic, traces: { [Symbol.iterator]: traces }, demand: { [Symbol.iterator]: demand }, capacity, evacuations: [] },
    manifest: {
      schemaVersion: 1,
      kind: 'evac-precomputed-history',
      createdAt: new Date(now * 1000).toISOString(),
      dataEnd: new Date(window.end * 1000).toISOString(),
      bucketMinutes,
      lookbackDays,
      source: loaded.description,
      configDir: config.dir,
      ...(loaded.warnings !== undefined && loaded.warnings.length > 0 ? { warnings: [...loaded.warnings] } : {}),
    },
    unreachable: loaded.unreachable,
    dayTypes: { rule: config.evacuation.dayTypes, timeZones: config.evacuation.timeZones },
  };
}

/** Reads the history and folds it into every bucket's levels and counts; only those, capacity and what the load said are kept. */
async function fold(options: PrecomputeOptions) {
  const { config, now } = options;
  const { bucketMinutes, lookbackDays, regions } = config.evacuation;
  const scopes = config.services.flatMap((s) => planUnits(s.config).flatMap((unit) => regions.map((r) => resolveScope(s.config, unit, r))));
  const loaded = await options.source.load({ config, scopes, from: now - lookbackDays * 86_400, to: now });
  const { data } = loaded;
  if (data.traffic.length === 0) throw new EvacError('no regional traffic data: nothing to precompute', { hint: 'check the data source' });
  let latest = loaded.latestTraffic ?? Number.NEGATIVE_INFINITY;
  if (loaded.latestTraffic === undefined) for (const s of data.traffic) if (s.t > latest) latest = s.t;
  const window = lookbackWindow(now, latest, lookbackDays);
  const buckets = Array.from({ length: bucketsPerDay(bucketMinutes) }, (_, b) => b);
  // The samples read are let go as they are folded into the levels (only the levels are kept).
  const index = buildPlanIndex(data, sampleFilter(window, data.evacuations), bucketMinutes, new Set(buckets), undefined, true);
  const { description, warnings, unreachable } = loaded;
  return { index, window, capacity: [...data.capacity], loaded: { description, warnings, unreachable } };
}
