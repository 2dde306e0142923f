import { describe, expect, test } from 'vitest';
import { alignedRange, packQueries, renameIds } from '../../../src/aws/metric-queries.ts';
import type { MetricStat } from '../../../src/config/metric-query.ts';

const stat = (name: string, period = 300): MetricStat => ({ namespace: 'Evac/Test', name, dimensions: { Region: 'us-east-1' }, stat: 'Sum', period });

describe('packQueries', () => {
  test('packs 1,200 series into three requests of at most 500 queries', () => {
    const batches = packQueries(Array.from({ length: 1200 }, (_, i) => ({ tag: i, query: stat(`m${i}`) })));
    expect(batches.map((b) => b.queries.length)).toEqual([500, 500, 200]);
    expect(batches[2]?.tags.get('q1199')).toBe(1199);
  });

  test('sends a MetricStat as GetMetricData wants it', () => {
    const [batch] = packQueries([{ tag: 'a', query: stat('Requests') }]);
    expect(batch?.queries).toEqual([
      {
        Id: 'q0',
        ReturnData: true,
        MetricStat: {
          Metric: { Namespace: 'Evac/Test', MetricName: 'Requests', Dimensions: [{ Name: 'Region', Value: 'us-east-1' }] },
          Period: 300,
          Stat: 'Sum',
        },
      },
    ]);
  });

  test('keeps a metric-math series with its hidden metrics, renamed so ids stay unique', () => {
    const math = { expression: 'm1 + 2 * m2', metrics: { m1: stat('A'), m2: stat('B') }, period: 300 };
    const [batch] = packQueries([
      { tag: 'x', query: math },
      { tag: 'y', query: math },
    ]);
    expect(batch?.queries.map((q) => [q.Id, q.Expression ?? q.MetricStat?.Metric?.MetricName, q.ReturnData])).toEqual([
      ['q0_m1', 'A', false],
      ['q0_m2', 'B', false],
      ['q0', 'q0_m1 + 2 * q0_m2', true],
      ['q1_m1', 'A', false],
      ['q1_m2', 'B', false],
      ['q1', 'q1_m1 + 2 * q1_m2', true],
    ]);
    expect([...(batch?.tags ?? [])]).toEqual([
      ['q0', 'x'],
      ['q1', 'y'],
    ]);
  });

  test('never splits a metric-math series across requests', () => {
    const math = { expression: 'a + b', metrics: { a: stat('A'), b: stat('B') }, period: 300 };
    const batches = packQueries(
      [
        { tag: 1, query: stat('S') },
        { tag: 2, query: math },
      ],
      { maxQueries: 3 },
    );
    expect(batches.map((b) => b.queries.map((q) => q.Id))).toEqual([['q0'], ['q1_a', 'q1_b', 'q1']]);
  });

  test('puts series of different periods in different requests, unless told to mix them', () => {
    const requests = [
      { tag: 1, query: stat('A', 60) },
      { tag: 2, query: stat('B', 300) },
    ];
    expect(packQueries(requests).map((b) => b.period)).toEqual([60, 300]);
    expect(packQueries(requests, { mixPeriods: true }).map((b) => [b.period, b.queries.length])).toEqual([[300, 2]]);
  });

  test('refuses a metric-math series larger than one request', () => {
    const metrics = Object.fromEntries(Array.from({ length: 3 }, (_, i) => [`m${i}`, stat(`M${i}`)]));
    expect(() => packQueries([{ tag: 1, query: { expression: 'SUM(METRICS())', metrics, period: 300 } }], { maxQueries: 3 })).toThrow(/needs 4 queries/);
  });
});

describe('renameIds', () => {
  test('renames ids but not functions, numbers or quoted search terms', () => {
    const rename = new Map([
      ['m1', 'q0_m1'],
      ['errors', 'q0_errors'],
    ]);
    expect(renameIds("IF(m1 > 0, errors / m1 * 100, 0) + SEARCH('{AWS/EC2} m1', 'Sum', 300)", rename)).toBe(
      "IF(q0_m1 > 0, q0_errors / q0_m1 * 100, 0) + SEARCH('{AWS/EC2} m1', 'Sum', 300)",
    );
  });
});

describe('alignedRange', () => {
  test('rounds both ends down to whole periods, leaving the still-filling period out', () => {
    expect(alignedRange(1_000_123, 1_003_725, 300)).toEqual({ start: 999_900, end: 1_003_500 });
  });

  test('is at least one period long', () => {
    expect(alignedRange(1_000_010, 1_000_020, 300)).toEqual({ start: 999_900, end: 1_000_200 });
  });
});
