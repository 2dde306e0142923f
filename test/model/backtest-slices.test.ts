import { describe, expect, test } from 'vitest';
import { meanInSlice, windowSlices } from '../../src/model/backtest-slices.ts';

const at = (iso: string) => Date.parse(iso) / 1000;

describe('windowSlices', () => {
  test('cuts a window not aligned to buckets at every bucket boundary', () => {
    expect(windowSlices(at('2026-11-22T10:10:00Z'), at('2026-11-22T10:40:00Z'), 15)).toEqual([
      { start: at('2026-11-22T10:10:00Z'), end: at('2026-11-22T10:15:00Z'), bucket: 40 },
      { start: at('2026-11-22T10:15:00Z'), end: at('2026-11-22T10:30:00Z'), bucket: 41 },
      { start: at('2026-11-22T10:30:00Z'), end: at('2026-11-22T10:40:00Z'), bucket: 42 },
    ]);
  });
  test('wraps around midnight to bucket 0', () => {
    expect(windowSlices(at('2026-11-22T23:50:00Z'), at('2026-11-23T00:20:00Z'), 15).map((s) => s.bucket)).toEqual([95, 0, 1]);
  });
  test('gives one slice per bucket for an aligned window and none for an empty one', () => {
    expect(windowSlices(at('2026-11-22T14:00:00Z'), at('2026-11-22T15:00:00Z'), 15)).toHaveLength(4);
    expect(windowSlices(at('2026-11-22T14:00:00Z'), at('2026-11-22T14:00:00Z'), 15)).toEqual([]);
  });
});

describe('meanInSlice', () => {
  test('is the mean of the samples with start <= t < end', () => {
    const samples = [
      { t: 100, value: 1 },
      { t: 150, value: 3 },
      { t: 200, value: 1000 },
    ];
    expect(meanInSlice(samples, { start: 100, end: 200 })).toBe(2);
  });
  test('is undefined without samples in the slice', () => {
    expect(meanInSlice([{ t: 99, value: 1 }], { start: 100, end: 200 })).toBeUndefined();
  });
});
