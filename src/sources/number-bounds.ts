import type { DemandSample, PlanningData, Samples, TraceSample, TrafficSample } from '../model/planning-data.ts';

/**
 * The numbers evac accepts in data (traffic, trace counts, demand, capacity): 0, or between
 * MIN_POSITIVE and MAX_VALUE. Inside these bounds every ratio, interval and capacity is a
 * finite number (a device ratio is at most 1 + MAX_VALUE / MIN_POSITIVE = 1e24, its square
 * 1e48, a capacity 1e15 x 1e24 x 11); outside them a sum overflows to Infinity or a division by
 * a subnormal does, and the plan would hold NaN. Values that large or that small are unit
 * errors in practice (bytes for gigabytes, a missing scale factor).
 */
export const MAX_VALUE = 1e15;
export const MIN_POSITIVE = 1e-9;

/** Whether a number is within the bounds (NaN and negatives are other checks' business). */
export function withinBounds(v: number): boolean {
  return !(v > MAX_VALUE || (v > 0 && v < MIN_POSITIVE));
}

/**
 * A number the CSV reader reads back from its text as the same double and the bounds allow: 0
 * (not -0), or between MIN_POSITIVE and MAX_VALUE (what the column copy keeps, its rows and its
 * levels: a median of such numbers is one).
 */
export function isCopiedNumber(v: number): boolean {
  return (v === 0 && !Object.is(v, -0)) || (v >= MIN_POSITIVE && v <= MAX_VALUE);
}

/** Why a number is out of bounds, or undefined when it is fine (withinBounds). */
export function numberBoundProblem(v: number): string | undefined {
  if (withinBounds(v)) return undefined;
  if (v > MAX_VALUE) return `is above ${MAX_VALUE.toExponential()}, the largest number evac accepts (a unit error?)`;
  return `is below ${MIN_POSITIVE.toExponential()}, the smallest non-zero number evac accepts: write 0, or use a larger unit`;
}

/** Stores that found every value they give within the bounds as they were made (see boundsChecked). */
const checkedStores = new WeakSet<Samples<unknown>>();

/**
 * Records that every value `samples` gives (a trace sample's count, the others' value: a cell's
 * sum or mean, not the rows read) passed `withinBounds`, tested by the store that made it, so
 * that dataBoundProblem, which would find nothing, does not read it back. A store tests its
 * own arrays in plain loops (~1 ms for the 0.6M-row set's samples), where reading them back
 * through `rows`, code V8 has not optimized yet, took 15-20 ms of every plan.
 */
export function boundsChecked<T>(samples: Samples<T>): Samples<T> {
  checkedStores.add(samples);
  return samples;
}

/**
 * The first out-of-bounds value in planning data from any source (CSV files are checked with
 * their line numbers as they are read; this holds CloudWatch and other sources to the same
 * bounds), as a message naming the series, or undefined.
 */
export function dataBoundProblem(data: PlanningData): string | undefined {
  const iso = (t: number) => new Date(t * 1000).toISOString();
  const traffic = firstOutOfBounds(data.traffic);
  if (traffic) return `traffic of ${traffic.device} in ${traffic.region} at ${iso(traffic.t)}: ${traffic.value} ${numberBoundProblem(traffic.value)}`;
  const traces = firstOutOfBounds(data.traces);
  if (traces)
    return `trace count of ${traces.service} (${traces.device}) in ${traces.region} at ${iso(traces.t)}: ${traces.count} ${numberBoundProblem(traces.count)}`;
  const demand = firstOutOfBounds(data.demand);
  if (demand) return `demand of ${demand.service} in ${demand.region} at ${iso(demand.t)}: ${demand.value} ${numberBoundProblem(demand.value)}`;
  // Thousands of rows: no array made per row.
  const check = (c: PlanningData['capacity'][number], name: string, v: number | null) => {
    const p = v === null ? undefined : numberBoundProblem(v);
    return p ? `${name} capacity of ${c.service} in ${c.region}: ${v} ${p}` : undefined;
  };
  for (let i = 0; i < data.capacity.length; i++) {
    const c = data.capacity[i] as PlanningData['capacity'][number];
    const p = check(c, 'current', c.current) ?? check(c, 'min', c.min) ?? check(c, 'max', c.max);
    if (p) return p;
  }
  return undefined;
}

/** The first sample whose value (a trace sample's count) is out of bounds; a compact store is read without an object per sample. */
function firstOutOfBounds<T extends TraceSample | DemandSample | TrafficSample>(samples: Samples<T>): T | undefined {
  if (checkedStores.has(samples)) return undefined;
  const value = (s: T) => ('count' in s ? s.count : s.value);
  if (!samples.rows) {
    for (const s of samples) if (numberBoundProblem(value(s)) !== undefined) return s;
    return undefined;
  }
  let bad = -1;
  let k = 0;
  samples.rows.forEach((_series, _t, v) => {
    if (bad < 0 && numberBoundProblem(v) !== undefined) bad = k;
    k += 1;
  });
  if (bad < 0) return undefined;
  k = 0;
  for (const s of samples) if (k++ === bad) return s;
  return undefined;
}
