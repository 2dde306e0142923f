import { describe, expect, test } from 'vitest';
import { bucketOf, bucketsCovered, bucketsPerDay, utcDay } from '../../src/model/bucket.ts';
import { lookbackWindow, sampleFilter } from '../../src/model/lookback-window.ts';
import { NominalLevels } from '../../src/model/nominal-level.ts';

const at = (iso: string) => Date.parse(iso) / 1000;

describe('bucketOf', () => {
  test('is floor(minutes since UTC midnight / bucketMinutes)', () => {
    expect(bucketOf(at('2026-11-23T10:07:00Z'), 15)).toBe(40);
    expect(bucketOf(at('2026-11-23T00:00:00Z'), 15)).toBe(0);
    expect(bucketOf(at('2026-11-23T23:59:59Z'), 15)).toBe(95);
    expect(bucketOf(at('2026-11-23T10:07:00Z'), 60)).toBe(10);
  });
  test('a day has 1440 / bucketMinutes buckets', () => {
    expect(bucketsPerDay(15)).toBe(96);
  });
  test('dates are UTC dates', () => {
    expect(utcDay(at('2026-11-23T23:59:59Z'))).toBe(utcDay(at('2026-11-23T00:00:00Z')));
    expect(utcDay(at('2026-11-24T00:00:00Z'))).toBe(utcDay(at('2026-11-23T00:00:00Z')) + 1);
  });
});

describe('bucketsCovered', () => {
  test('is the bucket of at for a zero window', () => {
    expect(bucketsCovered(at('2026-11-23T10:07:00Z'), 0, 15)).toEqual([40]);
  });
  test('covers every bucket overlapping [at, at + window)', () => {
    expect(bucketsCovered(at('2026-11-23T10:07:00Z'), 15, 15)).toEqual([40, 41]);
    expect(bucketsCovered(at('2026-11-23T10:00:00Z'), 60, 15)).toEqual([40, 41, 42, 43]);
  });
  test('wraps around midnight and never repeats a bucket', () => {
    expect(bucketsCovered(at('2026-11-23T23:30:00Z'), 60, 15)).toEqual([94, 95, 0, 1]);
    expect(bucketsCovered(at('2026-11-23T10:00:00Z'), 5000, 60)).toHaveLength(24);
  });
});

describe('lookback window', () => {
  test('ends at min(at, latest traffic) and starts lookbackDays earlier, exclusive', () => {
    const w = lookbackWindow(at('2026-11-30T00:00:00Z'), at('2026-11-23T23:55:00Z'), 14);
    expect(w.end).toBe(at('2026-11-23T23:55:00Z'));
    const keep = sampleFilter(w, []);
    expect(keep(w.end)).toBe(true);
    expect(keep(w.end - 14 * 86400)).toBe(false);
    expect(keep(w.end - 14 * 86400 + 1)).toBe(true);
    expect(keep(w.end + 1)).toBe(false);
  });
  test('excludes samples inside a past evacuation [start, end)', () => {
    const w = lookbackWindow(at('2026-11-23T00:00:00Z'), at('2026-11-23T00:00:00Z'), 14);
    const keep = sampleFilter(w, [{ start: at('2026-11-20T10:00:00Z'), end: at('2026-11-20T12:00:00Z'), failedRegion: 'us-west-2' }]);
    expect(keep(at('2026-11-20T09:55:00Z'))).toBe(true);
    expect(keep(at('2026-11-20T10:00:00Z'))).toBe(false);
    expect(keep(at('2026-11-20T11:55:00Z'))).toBe(false);
    expect(keep(at('2026-11-20T12:00:00Z'))).toBe(true);
  });
});

describe('NominalLevels', () => {
  test("is the median over dates of the mean of each date's samples in the bucket", () => {
    const levels = new NominalLevels(15, new Set([40]));
    levels.add('k', at('2026-11-20T10:00:00Z'), 10);
    levels.add('k', at('2026-11-20T10:05:00Z'), 20); // date mean 15
    levels.add('k', at('2026-11-21T10:10:00Z'), 30); // 30
    levels.add('k', at('2026-11-22T10:14:59Z'), 40); // 40
    levels.add('k', at('2026-11-22T10:15:00Z'), 1000); // bucket 41: not kept
    expect(levels.level('k', 40)).toBe(30);
  });
  test('takes the mean of the two middle dates for an even count', () => {
    const levels = new NominalLevels(15, new Set([40]));
    levels.add('k', at('2026-11-20T10:00:00Z'), 15);
    levels.add('k', at('2026-11-21T10:00:00Z'), 30);
    expect(levels.level('k', 40)).toBe(22.5);
  });
  test('is undefined without samples', () => {
    expect(new NominalLevels(15, new Set([40])).level('k', 40)).toBeUndefined();
  });
  test('folds samples given in any order into their dates, listed in the order first seen', () => {
    const levels = new NominalLevels(15, new Set([40, 41]));
    levels.add('k', at('2026-11-21T10:00:00Z'), 30);
    levels.add('j', at('2026-11-20T10:15:00Z'), 7);
    levels.add('k', at('2026-11-20T10:00:00Z'), 10);
    levels.add('k', at('2026-11-21T10:05:00Z'), 50); // 11-21 again, after another date
    levels.add('k', at('2026-11-20T10:05:00Z'), 20);
    const day = (iso: string) => Date.parse(iso) / 86_400_000;
    expect([...levels.dates('k', 40)]).toEqual([
      [day('2026-11-21'), 40],
      [day('2026-11-20'), 15],
    ]);
    expect([...levels.dates('j', 41)]).toEqual([[day('2026-11-20'), 7]]);
    expect(levels.level('j', 40)).toBeUndefined();
    expect([...levels.keys()]).toEqual(['k', 'j']);
  });
});
