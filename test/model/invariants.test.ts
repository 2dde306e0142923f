import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { capacityTarget } from '../../src/model/capacity-target.ts';
import { evacuationRatio } from '../../src/model/evacuation-ratio.ts';
import { traceShares } from '../../src/model/trace-shares.ts';

const DEVICES = ['tv', 'settop', 'console', 'android', 'ios', 'web'];
const BUCKETS = 8;

const countsArb = fc.dictionary(fc.constantFrom(...DEVICES), fc.array(fc.nat({ max: 50 }), { minLength: BUCKETS, maxLength: BUCKETS }), { minKeys: 1 });
// Traffic levels: zero (no traffic) or a realistic positive rate.
const levelsArb = fc.dictionary(fc.constantFrom(...DEVICES), fc.oneof(fc.constant(0), fc.double({ min: 1e-3, max: 1e6, noNaN: true })), { minKeys: 1 });

describe('invariants', () => {
  test('shares sum to 1 whenever there are traces', () => {
    fc.assert(
      fc.property(countsArb, fc.nat({ max: BUCKETS - 1 }), fc.nat({ max: 500 }), (counts, b0, min) => {
        const s = traceShares(new Map(Object.entries(counts)), b0, BUCKETS, min);
        if (s.total === 0) return s.shares.size === 0;
        const sum = [...s.shares.values()].reduce((a, b) => a + b, 0);
        return Math.abs(sum - 1) < 1e-9 && [...s.shares.values()].every((x) => x > 0);
      }),
    );
  });

  test('pooling stops as soon as the minimum is reached or the day is used up', () => {
    fc.assert(
      fc.property(countsArb, fc.nat({ max: BUCKETS - 1 }), fc.nat({ max: 500 }), (counts, b0, min) => {
        const s = traceShares(new Map(Object.entries(counts)), b0, BUCKETS, min);
        const unique = new Set(s.buckets);
        expect(unique.size).toBe(s.buckets.length);
        expect(s.total >= min || unique.size === BUCKETS).toBe(true);
      }),
    );
  });

  test('the weighted ratio lies between the smallest and largest device ratio used', () => {
    fc.assert(
      fc.property(countsArb, levelsArb, levelsArb, fc.double({ min: 0, max: 1, noNaN: true }), (counts, healthy, failed, w) => {
        const shares = traceShares(new Map(Object.entries(counts)), 0, BUCKETS, 1);
        const r = evacuationRatio(shares, { levels: new Map(Object.entries(healthy)) }, { levels: new Map(Object.entries(failed)) }, w);
        if (r.contributions.length === 0) return true;
        const ratios = r.contributions.map((c) => c.ratio);
        const eps = 1e-9 * Math.max(1, ...ratios);
        return r.weightedRatio >= Math.min(...ratios) - eps && r.weightedRatio <= Math.max(...ratios) + eps;
      }),
    );
  });

  test('the 95% interval contains the weighted ratio and ratios are never below 1', () => {
    fc.assert(
      fc.property(countsArb, levelsArb, levelsArb, fc.double({ min: 0, max: 1, noNaN: true }), (counts, healthy, failed, w) => {
        const shares = traceShares(new Map(Object.entries(counts)), 0, BUCKETS, 1);
        const r = evacuationRatio(shares, { levels: new Map(Object.entries(healthy)) }, { levels: new Map(Object.entries(failed)) }, w);
        return r.ci95[0] <= r.weightedRatio + 1e-12 && r.weightedRatio <= r.ci95[1] + 1e-12 && r.weightedRatio >= 1 - 1e-12;
      }),
    );
  });

  test("the target never goes below today's min, nor above max unless allowed", () => {
    fc.assert(
      fc.property(
        fc.nat({ max: 10_000 }),
        fc.double({ min: 1, max: 10, noNaN: true }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.nat({ max: 10_000 }),
        fc.nat({ max: 10_000 }),
        fc.boolean(),
        (current, ratio, headroom, a, b, allowMaxIncrease) => {
          const [min, max] = a <= b ? [a, b] : [b, a];
          const t = capacityTarget({ current, ratio, headroom, min, max, allowMaxIncrease });
          expect(t.targetMinCapacity).toBeGreaterThanOrEqual(min);
          expect(t.targetMaxCapacity).toBeGreaterThanOrEqual(max);
          expect(t.targetMinCapacity).toBeLessThanOrEqual(t.targetMaxCapacity);
          if (!allowMaxIncrease) expect(t.targetMaxCapacity).toBe(max);
          expect(t.exceedsMax).toBe(t.requiredCapacity > t.targetMaxCapacity);
          expect(t.requiredCapacity).toBeGreaterThanOrEqual(current);
        },
      ),
    );
  });
});
