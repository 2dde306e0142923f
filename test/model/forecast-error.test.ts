import { describe, expect, test } from 'vitest';
import { absolutePercentageError, errorSummary, isShort, signedError } from '../../src/model/forecast-error.ts';

describe('errorSummary', () => {
  test('gives MAPE, median APE and bias as fractions over the slices', () => {
    // errors: +10%, -20%, +30% -> APE 0.1, 0.2, 0.3
    const s = errorSummary([
      { predicted: 110, observed: 100, headroom: 0.1 },
      { predicted: 80, observed: 100, headroom: 0.1 },
      { predicted: 130, observed: 100, headroom: 0.1 },
    ]);
    expect(s.mape).toBeCloseTo(0.2, 12);
    expect(s.medianApe).toBeCloseTo(0.2, 12);
    expect(s.bias).toBeCloseTo(0.2 / 3, 12);
    // 80 x 1.1 = 88 < 100: short by more than the headroom
    expect(s.slicesShort).toBe(1);
  });
  test('is null (and no slice short) without slices', () => {
    expect(errorSummary([])).toEqual({ mape: null, medianApe: null, bias: null, slicesShort: 0 });
  });
});

describe('isShort', () => {
  test('is true only when the prediction plus headroom is below what was observed', () => {
    expect(isShort({ predicted: 100, observed: 110, headroom: 0.1 })).toBe(false); // exactly covered
    expect(isShort({ predicted: 100, observed: 110.5, headroom: 0.1 })).toBe(true);
  });
});

describe('signedError', () => {
  test('is negative for an under-prediction and refuses a zero observation', () => {
    expect(signedError(90, 100)).toBeCloseTo(-0.1, 12);
    expect(absolutePercentageError(90, 100)).toBeCloseTo(0.1, 12);
    expect(() => signedError(1, 0)).toThrow('observed value > 0');
  });
});
