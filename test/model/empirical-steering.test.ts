import { describe, expect, test } from 'vitest';
import { observedSteering } from '../../src/model/empirical-steering.ts';

describe('observedSteering', () => {
  test("is the receiving region's gain over nominal divided by what left the failed region, over the window", () => {
    // slices of 300 s and 600 s; failed region: nominal 100, observed 2 -> 98 left per second.
    // receiving: +70 then +77 over nominal: (300*70 + 600*77) / (900*98) = 67200 / 88200
    const failed = [
      { duration: 300, observed: 2, nominal: 100 },
      { duration: 600, observed: 2, nominal: 100 },
    ];
    const receiving = [
      { duration: 300, observed: 570, nominal: 500 },
      { duration: 600, observed: 577, nominal: 500 },
    ];
    expect(observedSteering(receiving, failed)).toBeCloseTo(67_200 / 88_200, 12);
  });
  test('is null when no traffic left the failed region or a series is missing', () => {
    expect(observedSteering([{ duration: 900, observed: 10, nominal: 5 }], [{ duration: 900, observed: 100, nominal: 100 }])).toBeNull();
    expect(observedSteering([], [{ duration: 900, observed: 0, nominal: 100 }])).toBeNull();
  });
});
