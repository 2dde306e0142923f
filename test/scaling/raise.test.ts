import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { BugError } from '../../src/errors.ts';
import { raiseTo } from '../../src/scaling/raise.ts';

const capacity = fc.integer({ min: 0, max: 1_000_000 });
const minMax = fc.tuple(capacity, capacity).map(([a, b]) => ({ min: Math.min(a, b), max: Math.max(a, b) }));
/** Anything a plan could hold, including what it never should (NaN, infinities, negatives, fractions). */
const anyNumber = fc.oneof(capacity, fc.double(), fc.constantFrom(Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, -1, 0.5));

describe('raiseTo', () => {
  test('never lowers a Min or a Max, whatever the plan asks', () => {
    fc.assert(
      fc.property(minMax, fc.record({ min: anyNumber, max: anyNumber }), fc.boolean(), (live, planned, allowMax) => {
        let next: ReturnType<typeof raiseTo>;
        try {
          next = raiseTo(live, planned, allowMax);
        } catch (error) {
          // Refusing is fine; lowering is not.
          expect(error).toBeInstanceOf(BugError);
          expect([planned.min, planned.max].some((v) => !Number.isFinite(v))).toBe(true);
          return;
        }
        expect(next.min).toBeGreaterThanOrEqual(live.min);
        expect(next.max).toBeGreaterThanOrEqual(live.max);
        expect(next.min).toBeLessThanOrEqual(next.max);
      }),
      { numRuns: 2000 },
    );
  });

  test('raises Max only when allowed, and caps Min at Max otherwise', () => {
    fc.assert(
      fc.property(minMax, minMax, (live, planned) => {
        const kept = raiseTo(live, planned, false);
        expect(kept.max).toBe(live.max);
        expect(kept.capped).toBe(planned.min > live.max);
        const raised = raiseTo(live, planned, true);
        expect(raised.max).toBe(Math.max(live.max, planned.max));
        expect(raised.min).toBe(Math.max(live.min, planned.min));
      }),
    );
  });

  test('is idempotent: raising again to the same plan changes nothing', () => {
    fc.assert(
      fc.property(minMax, minMax, fc.boolean(), (live, planned, allowMax) => {
        const once = raiseTo(live, planned, allowMax);
        const twice = raiseTo(once, planned, allowMax);
        expect({ min: twice.min, max: twice.max }).toEqual({ min: once.min, max: once.max });
      }),
    );
  });

  test('refuses NaN instead of sending it as the new Min', () => {
    expect(() => raiseTo({ min: 5, max: 10 }, { min: Number.NaN, max: 10 }, false)).toThrow(BugError);
  });
});
