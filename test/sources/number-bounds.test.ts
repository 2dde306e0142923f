import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { BugError } from '../../src/errors.ts';
import type { PlanningData } from '../../src/model/planning-data.ts';
import { checkedPlan } from '../../src/services/plan.ts';
import type { SeriesTable } from '../../src/sources/aggregate-sql.ts';
import { dataBoundProblem, numberBoundProblem, withinBounds } from '../../src/sources/number-bounds.ts';
import { SeriesFold } from '../../src/sources/series-fold.ts';
import { plan, planEntry } from '../support/report-builders.ts';

describe('numberBoundProblem', () => {
  test('accepts 0 and numbers from 1e-9 to 1e15', () => {
    for (const v of [0, 1e-9, 0.5, 1, 1e15]) expect(numberBoundProblem(v)).toBeUndefined();
  });
  test('names the bound a number breaks', () => {
    expect(numberBoundProblem(1e308)).toContain('above 1e+15');
    expect(numberBoundProblem(5e-324)).toContain('below 1e-9');
  });
  test('withinBounds is the same test without the words', () => {
    for (const v of [0, -0, 1e-9, 0.99e-9, 5e-324, 1, 1e15, 1.0000000000000002e15, 1e308, Number.NaN, -1]) {
      expect(withinBounds(v)).toBe(numberBoundProblem(v) === undefined);
    }
  });
});

describe('dataBoundProblem', () => {
  const empty = { traffic: [], traces: [], demand: [], capacity: [], evacuations: [] };
  test('holds data from any source (CloudWatch too) to the bounds, naming the series', () => {
    expect(dataBoundProblem(empty)).toBeUndefined();
    const traffic = [{ t: 1_795_000_000, region: 'us-east-1', device: 'tv', value: 1e308 }];
    expect(dataBoundProblem({ ...empty, traffic })).toBe(
      'traffic of tv in us-east-1 at 2026-11-18T11:06:40.000Z: 1e+308 is above 1e+15, the largest number evac accepts (a unit error?)',
    );
    const capacity = [{ region: 'us-east-1', service: 'authz', current: 5e-324, min: 1, max: 2 }];
    expect(dataBoundProblem({ ...empty, capacity })).toContain('current capacity of authz in us-east-1');
  });
});

describe('dataBoundProblem on a folded store (series-fold.ts), which tests its own values as it is made', () => {
  const DAY = 86_400;
  const empty: PlanningData = { traffic: [], traces: [], demand: [], capacity: [], evacuations: [] };
  // Windows may start on day 100 and end on day 110: days 101-109 fold to cells, 100 and 110 stay as read.
  const window = { firstStartDay: 100, lastStartDay: 100, endDay: 110 };
  const NAMES: Record<SeriesTable, string[]> = { traffic: ['us-east-1', 'tv'], demand: ['us-east-1', 'authz'], traces: ['us-east-1', 'authz', 'tv'] };
  const store = <K extends SeriesTable>(table: K, rows: readonly (readonly [day: number, value: number, hour?: number])[], buckets?: readonly number[]) => {
    const fold = new SeriesFold(table, 60, window, [], buckets);
    for (const [day, value, hour] of rows) fold.row(0, day * DAY + (hour ?? 0) * 3600 + 60, value);
    return fold.samples([NAMES[table]]);
  };
  const data = (table: SeriesTable, samples: Iterable<unknown>): PlanningData => ({ ...empty, [table]: samples }) as PlanningData;

  test('names a cell whose rows were each within the bounds but whose sum or mean is not, as it does the samples as an array', () => {
    // Two trace counts of 6e14 in one bucket: 1.2e15.
    const traces = store('traces', [
      [102, 6e14],
      [103, 6e14],
    ]);
    expect(dataBoundProblem(data('traces', traces))).toBe(
      'trace count of authz (tv) in us-east-1 at 1970-04-14T00:01:00.000Z: 1200000000000000 is above 1e+15, the largest number evac accepts (a unit error?)',
    );
    // 1e-9 and 0 in one traffic cell: a mean of 5e-10.
    const traffic = store('traffic', [
      [102, 1e-9],
      [102, 0],
    ]);
    expect(dataBoundProblem(data('traffic', traffic))).toContain('traffic of tv in us-east-1 at 1970-04-13T00:01:00.000Z: 5e-10 is below 1e-9');
    expect(dataBoundProblem(data('traffic', [...traffic]))).toBe(dataBoundProblem(data('traffic', traffic)));
  });

  test('does not read back a store whose values it found within the bounds', () => {
    const traffic = store('traffic', [
      [99, 3],
      [102, 1],
      [102, 2],
      [110, 4],
    ]);
    Object.defineProperty(traffic.rows, 'forEach', {
      value: () => {
        throw new Error('read back');
      },
    });
    expect(dataBoundProblem(data('traffic', traffic))).toBeUndefined();
  });

  test('finds in any folded store what it finds in the same samples as an array', () => {
    // Days before every window (one sample per series), as read (100, 110) and folded to cells;
    // hour 1 is not wanted when a plan wants bucket 0 only (each series' latest such row is kept).
    const day = fc.constantFrom(99, 100, 101, 110);
    const row = fc.tuple(day, fc.constantFrom(0, 1e-9, 1, 6e14, 1e15, 2e15), fc.constantFrom(0, 1));
    const table = fc.constantFrom<SeriesTable>('traffic', 'demand', 'traces');
    fc.assert(
      fc.property(table, fc.array(row, { maxLength: 8 }), fc.constantFrom(undefined, [0]), (table, rows, buckets) => {
        const folded = store(table, rows, buckets);
        expect(dataBoundProblem(data(table, folded))).toBe(dataBoundProblem(data(table, [...folded])));
      }),
      { numRuns: 500 },
    );
  });
});

describe('checkedPlan', () => {
  test('passes a plan that satisfies its schema', () => {
    const p = plan();
    expect(checkedPlan(p)).toBe(p);
  });
  test('is a bug (never printed) when a number is NaN, infinite or an interval excludes its ratio', () => {
    expect(() => checkedPlan(plan({ services: [planEntry({ weightedRatio: Number.NaN })] }))).toThrow(BugError);
    expect(() => checkedPlan(plan({ services: [planEntry({ requiredCapacity: Number.POSITIVE_INFINITY })] }))).toThrow(/requiredCapacity/);
    expect(() => checkedPlan(plan({ services: [planEntry({ ci95: [-0.5, 2] })] }))).toThrow(BugError);
    expect(() => checkedPlan(plan({ services: [planEntry({ weightedRatio: 3, ci95: [1, 2] })] }))).toThrow(/does not contain 3/);
  });
});
