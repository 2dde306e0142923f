import { describe, expect, test } from 'vitest';
import { capacityTarget, requiredCapacity } from '../../src/model/capacity-target.ts';

describe('requiredCapacity', () => {
  test('is ceil(current * ratio * (1 + headroom))', () => {
    expect(requiredCapacity(20, 1.425, 0.1)).toBe(32); // 31.35
  });
  test('float noise just above a whole number does not add a unit', () => {
    expect(0.1 * 3 * 70).toBeGreaterThan(21); // 21.000000000000004
    expect(requiredCapacity(70, 0.1 * 3, 0)).toBe(21);
  });
});

describe('capacityTarget', () => {
  test('targetMin = min(max, max(min, required)) and exceeds-max when required > max', () => {
    expect(capacityTarget({ current: 20, ratio: 1.425, headroom: 0.1, min: 10, max: 30 })).toEqual({
      requiredCapacity: 32,
      targetMinCapacity: 30,
      targetMaxCapacity: 30,
      exceedsMax: true,
    });
  });
  test("never plans below today's min", () => {
    expect(capacityTarget({ current: 4, ratio: 1.1, headroom: 0, min: 12, max: 30 }).targetMinCapacity).toBe(12);
  });
  test('raises max only where allowed, and then is not capped', () => {
    const t = capacityTarget({ current: 20, ratio: 1.425, headroom: 0.1, min: 10, max: 30, allowMaxIncrease: true });
    expect(t).toEqual({ requiredCapacity: 32, targetMinCapacity: 32, targetMaxCapacity: 32, exceedsMax: false });
  });
});
