import { bucketOf, bucketsPerDay } from '../model/bucket.ts';
import { getOrInsert } from '../model/get-or-insert.ts';
import { lookbackWindow, sampleFilter } from '../model/lookback-window.ts';
import { latestTime, type PlanningData } from '../model/planning-data.ts';
import { type BucketCounts, tracePool } from '../model/trace-shares.ts';
import type { BucketsWanted } from '../sources/data-source.ts';
import { key, SlabCounts, traceSlab } from './plan-index.ts';

export interface PlanBucketsInput {
  /** The buckets of the planning window. */
  readonly windowBuckets: readonly number[];
  readonly bucketMinutes: number;
  readonly lookbackDays: number;
  /** The end of the history asked for (the plan's `historyEnd ?? at`), epoch seconds. */
  readonly historyEnd: number;
  /** The most trace samples any entry needs before its buckets are pooled. */
  readonly minTraceSamples: number;
}

/**
 * The buckets of trace and demand data a plan reads (see LoadRequest.buckets), so that a
 * precomputed directory answers with a few buckets instead of the whole day:
 *
 * - the window's buckets (nominal demand and trace shares there), of both tables;
 * - of demand, each capacity observation's bucket (its nominal demand rescales capacity) and the
 *   buckets on either side (the demand sample nearest the observation, within one bucket, may
 *   lie there);
 * - of traces, the buckets trace shares pool around each window bucket: given the counts read
 *   so far, those `traceShares` pools with the largest `minTraceSamples` of any entry (an entry
 *   needing fewer pools no wider), on each series' counts of all device types together. Counts
 *   are filtered by the same lookback window and past evacuations as the plan's, so they are
 *   never more than the plan's and the pool never too narrow; a series with no trace in the
 *   buckets read yet widens the ring read around each window bucket.
 */
export function planBuckets(input: PlanBucketsInput): BucketsWanted {
  const bucketCount = bucketsPerDay(input.bucketMinutes);
  let traffic: PlanningData['traffic'] | undefined;
  let latest = Number.NEGATIVE_INFINITY;
  // The trace totals of the last ask, and what they were summed from: a read that added no trace
  // sample (a ring of buckets without traces) asks again on the same totals.
  let summed: { readonly from: readonly unknown[]; readonly totals: readonly BucketCounts[] } | undefined;
  return (partial, read) => {
    const demand = new Set(input.windowBuckets);
    for (const c of partial.capacity) {
      if (c.observedAt === undefined || c.observedAt === null) continue;
      const b = bucketOf(c.observedAt, input.bucketMinutes);
      for (const d of [-1, 0, 1]) demand.add((b + d + bucketCount) % bucketCount);
    }
    const wanted = new Set(input.windowBuckets);
    if (partial.traffic.length === 0) return { traces: wanted, demand };
    // Traffic is read whole before the first ask: its latest time is found once.
    if (traffic !== partial.traffic) {
      traffic = partial.traffic;
      latest = latestTime(traffic);
    }
    // The stores only grow (a log of the rows read): the same store of the same length holds the same samples.
    const from = [partial.traces, partial.traces.length, traffic, partial.evacuations];
    const totals = summed && from.every((x, i) => x === summed?.from[i]) ? summed.totals : traceTotals(partial, input, latest);
    summed = { from, totals };
    // The pool traceShares would make (its rule: tracePool) of these totals. Summed in another
    // order than the plan sums them, the totals may differ from its in the last bits: asking a
    // hair more than minTraceSamples pools at least as wide as the plan.
    const threshold = input.minTraceSamples * (1 + 1e-9);
    for (const perBucket of totals) {
      const countOf = (buckets: readonly number[]) => {
        let n = 0;
        for (const b of buckets) n += perBucket.at(b) ?? 0;
        return n;
      };
      for (const b0 of input.windowBuckets) for (const b of tracePool(countOf, b0, bucketCount, threshold).buckets) wanted.add(b);
    }
    // A series with no trace yet pools past every bucket read around b0 (its count there is 0):
    // the next ring out, until it shows up or the whole day is read.
    if (read.unseenTraceSeries && input.minTraceSamples > 0) {
      for (const b0 of input.windowBuckets) {
        for (let k = 0; k <= bucketCount / 2; k++) {
          const ring = [(b0 - k + bucketCount) % bucketCount, (b0 + k) % bucketCount];
          if (ring.every((b) => read.traces.has(b))) continue;
          for (const b of ring) wanted.add(b);
          break;
        }
      }
    }
    return { traces: wanted, demand };
  };
}

/**
 * Per trace series (region, service), the count of every device type together per bucket, of
 * the samples the plan's lookback keeps: the pool widens on that sum alone.
 */
function traceTotals(partial: PlanningData, input: PlanBucketsInput, latestTraffic: number): BucketCounts[] {
  const keep = sampleFilter(lookbackWindow(input.historyEnd, latestTraffic, input.lookbackDays), partial.evacuations);
  const totals: BucketCounts[] = [];
  const rows = partial.traces.rows;
  if (rows) {
    // The buckets with a kept sample, and each (region, service)'s counts there in one buffer;
    // each series' totals looked up once, at its first sample kept (no key made per sample).
    const { slab, slotOf, slots } = traceSlab(rows, keep, input.bucketMinutes);
    const byRegion = new Map<string, Map<string, SlabCounts>>();
    const seriesTotals: (SlabCounts | undefined)[] = [];
    rows.forEach((series, t, count) => {
      if (!keep(t)) return;
      let perBucket = seriesTotals[series];
      if (perBucket === undefined) {
        // Once per series (tens of thousands): indexed reads and no closure made.
        const names = rows.names[series] as readonly string[];
        const region = names[0] as string;
        const service = names[1] as string;
        let byService = byRegion.get(region);
        if (byService === undefined) {
          byService = new Map<string, SlabCounts>();
          byRegion.set(region, byService);
        }
        perBucket = byService.get(service);
        if (perBucket === undefined) {
          perBucket = new SlabCounts(slab, totals.length * slots, slotOf);
          totals.push(perBucket);
          byService.set(service, perBucket);
        }
        seriesTotals[series] = perBucket;
      }
      perBucket.add(bucketOf(t, input.bucketMinutes), count);
    });
  } else {
    const byKey = new Map<string, number[]>();
    for (const s of partial.traces) {
      if (!keep(s.t)) continue;
      const perBucket = getOrInsert(byKey, key(s.region, s.service), () => []);
      const b = bucketOf(s.t, input.bucketMinutes);
      perBucket[b] = (perBucket[b] ?? 0) + s.count;
    }
    totals.push(...byKey.values());
  }
  return totals;
}
