import { describe, expect, test } from 'vitest';
import { peakBucket, postEvacuationTraffic } from '../../src/model/peak-bucket.ts';

describe('postEvacuationTraffic', () => {
  test('adds the steered share of the failed region to the healthy region', () => {
    expect(postEvacuationTraffic([110, 60], [50, 100], 0.8)).toBeCloseTo(290, 12);
  });

  test('counts a missing level as 0', () => {
    expect(postEvacuationTraffic([undefined, 100], [500, undefined], 0.8)).toBe(500);
    expect(postEvacuationTraffic([], [], 0.5)).toBe(0);
  });
});

describe('peakBucket', () => {
  test('is the bucket with the highest value', () => {
    expect(peakBucket([1, 5, 3])).toBe(1);
  });

  test('keeps the earliest bucket on ties', () => {
    expect(peakBucket([3, 7, 7, 1])).toBe(1);
    expect(peakBucket([0, 0, 0])).toBe(0);
  });

  test('one bucket is its own peak; none is an error', () => {
    expect(peakBucket([4])).toBe(0);
    expect(() => peakBucket([])).toThrow('peakBucket requires at least one bucket');
  });
});
