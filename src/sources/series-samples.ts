import type { DemandSample, Samples, TraceSample, TrafficSample } from '../model/planning-data.ts';
import type { SeriesTable } from './aggregate-sql.ts';
import type { RowLog } from './row-log.ts';

export type SamplesOf<K extends SeriesTable> = K extends 'traffic' ? TrafficSample : K extends 'demand' ? DemandSample : TraceSample;

/**
 * Makes a table's sample from a series, a time and a sum of `n` values: traces keep the sum (a
 * count), the others the mean. `names` are each series' key names, region first, as a scan
 * numbered them.
 */
export function sampleMaker<K extends SeriesTable>(
  table: K,
  names: readonly (readonly string[])[],
): (series: number, t: number, sum: number, n: number) => SamplesOf<K> {
  const name = (series: number, i: number) => names[series]?.[i] as string;
  switch (table) {
    case 'traffic':
      return (s, t, sum, n) => ({ t, region: name(s, 0), device: name(s, 1), value: sum / n }) as SamplesOf<K>;
    case 'demand':
      return (s, t, sum, n) => ({ t, region: name(s, 0), service: name(s, 1), value: sum / n }) as SamplesOf<K>;
    default:
      return (s, t, sum) => ({ t, region: name(s, 0), service: name(s, 1), device: name(s, 2), count: sum }) as SamplesOf<K>;
  }
}

/**
 * The rows of a log as a table's samples, one per row as logged (a value each, not a sum): a
 * sample object is made only when iterated; `rows` reads them without (see SeriesRows). Reads
 * the log as it is when read, so rows logged later are seen too.
 */
export function loggedSamples<K extends SeriesTable>(table: K, log: RowLog, names: readonly (readonly string[])[]): Samples<SamplesOf<K>> {
  const make = sampleMaker(table, names);
  return {
    get length() {
      return log.length;
    },
    *[Symbol.iterator]() {
      for (const run of log.runs()) for (let i = 0; i < run.t.length; i++) yield make(run.series[i] as number, run.t[i] as number, run.v[i] as number, 1);
    },
    rows: { names, forEach: (row) => log.forEach(row) },
  };
}
