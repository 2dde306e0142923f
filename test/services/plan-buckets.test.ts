import { describe, expect, test } from 'vitest';
import type { PlanningData, TraceSample } from '../../src/model/planning-data.ts';
import { planBuckets } from '../../src/services/plan-buckets.ts';

const DAY = 86_400;
const END = Date.parse('2026-11-24T06:00:00Z') / 1000;
/** A time in bucket `b` (15 minutes) of the day before END. */
const at = (b: number) => Math.floor(END / DAY) * DAY - DAY + b * 900 + 60;
const trace = (b: number, count: number, service = 'api'): TraceSample => ({ t: at(b), region: 'us-east-1', service, device: 'tv', count });

/** A plan's data so far: traffic read whole, the trace samples of the buckets read (a store that grows, as a source's log does). */
function partial(traces: TraceSample[]): PlanningData {
  return { traffic: [{ t: END, region: 'us-east-1', device: 'tv', value: 1 }], traces, demand: [], capacity: [], evacuations: [] };
}

const ask = (wanted: ReturnType<typeof planBuckets>, data: PlanningData, read: number[]) =>
  [...wanted(data, { traces: new Set(read), demand: new Set(read), unseenTraceSeries: false }).traces].sort((a, b) => a - b);

describe('the buckets a plan reads (planBuckets)', () => {
  const input = { windowBuckets: [10], bucketMinutes: 15, lookbackDays: 14, historyEnd: END, minTraceSamples: 100 };

  test('trace buckets pool around the window bucket until a series has minTraceSamples, as traceShares pools', () => {
    const wanted = planBuckets(input);
    expect(ask(wanted, partial([]), [])).toEqual([10]);
    // 60 at 10, 50 at 11: the pool takes 9 and 11 (110 >= 100).
    expect(ask(wanted, partial([trace(10, 60), trace(11, 50)]), [10])).toEqual([9, 10, 11]);
  });

  test('asked again after a read that added no trace sample, the answer is the same; after one that added samples, it is found anew', () => {
    const wanted = planBuckets(input);
    const traces = [trace(10, 60), trace(11, 50)];
    const data = partial(traces);
    expect(ask(wanted, data, [10])).toEqual([9, 10, 11]);
    // Buckets 9 and 11 read, no new sample in them: the same pool.
    expect(ask(wanted, data, [9, 10, 11])).toEqual([9, 10, 11]);
    // The store grew (more samples at 10): 110 at 10 alone is enough.
    traces.push(trace(10, 50));
    expect(ask(wanted, data, [9, 10, 11])).toEqual([10]);
    // Another series, with too few traces: its pool widens again.
    traces.push(trace(10, 10, 'auth'), trace(12, 95, 'auth'));
    expect(ask(wanted, data, [9, 10, 11, 12])).toEqual([8, 9, 10, 11, 12]);
  });
});
