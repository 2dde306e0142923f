import { describe, expect, test } from 'vitest';
import { traceShares } from '../../src/model/trace-shares.ts';

const counts = (byDevice: Record<string, number[]>) => new Map(Object.entries(byDevice));

describe('traceShares', () => {
  test('shares are pooled count over pooled total at b0 when it has enough samples', () => {
    const s = traceShares(counts({ tv: [0, 60, 0, 0], ios: [0, 40, 7, 0] }), 1, 4, 100);
    expect(Object.fromEntries(s.shares)).toEqual({ tv: 0.6, ios: 0.4 });
    expect(s.total).toBe(100);
    expect(s.flags).toEqual([]);
    expect(s.buckets).toEqual([1]);
  });

  test('widens symmetrically to b0±1 until the total reaches minTraceSamples', () => {
    // b0 = 1 has 3; b0±1 adds buckets 0 and 2: 3 + 5 + 2 = 10
    const s = traceShares(counts({ tv: [0, 3, 2, 0], android: [5, 0, 0, 0], ios: [0, 0, 0, 100] }), 1, 4, 10);
    expect(s.total).toBe(10);
    expect(s.widenedBy).toBe(1);
    expect(s.buckets).toEqual([1, 0, 2]);
    expect(Object.fromEntries(s.shares)).toEqual({ tv: 0.5, android: 0.5 });
    expect(s.flags).toEqual(['pooled-buckets']);
  });

  test('wraps around midnight', () => {
    const s = traceShares(counts({ tv: [1, 0, 0, 0, 0, 9] }), 0, 6, 10);
    expect(s.buckets).toEqual([0, 5, 1]);
    expect(s.total).toBe(10);
  });

  test('stops at the whole day and flags low-samples when still short', () => {
    const s = traceShares(counts({ tv: [1, 1, 1, 1] }), 1, 4, 100);
    expect(s.buckets.slice().sort()).toEqual([0, 1, 2, 3]);
    expect(s.total).toBe(4);
    expect(s.flags).toEqual(['pooled-buckets', 'low-samples']);
  });

  test('flags no-traces when the pooled total is zero', () => {
    const s = traceShares(counts({}), 2, 4, 100);
    expect(s.shares.size).toBe(0);
    expect(s.flags).toEqual(['pooled-buckets', 'low-samples', 'no-traces']);
  });

  test('minTraceSamples 0 never pools', () => {
    const s = traceShares(counts({ tv: [0, 0, 5, 0] }), 1, 4, 0);
    expect(s.buckets).toEqual([1]);
    expect(s.flags).toEqual(['no-traces']);
  });

  test('shares are counted over the pool finally chosen, after several widenings', () => {
    // b0 = 3 has 0.5; b0±1 adds 1.25 (1.75); b0±2 adds 2 + 0.5 (4.25 >= 4).
    const s = traceShares(counts({ tv: [0, 2, 0.75, 0.5, 0, 0, 0], ios: [0, 0, 0, 0, 0.5, 0.5, 9] }), 3, 7, 4);
    expect(s.buckets).toEqual([3, 2, 4, 1, 5]);
    expect(s.total).toBe(4.25);
    expect(Object.fromEntries(s.shares)).toEqual({ tv: (0.5 + 0.75 + 2) / 4.25, ios: (0.5 + 0.5) / 4.25 });
  });
});
