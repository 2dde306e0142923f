import { describe, expect, test } from 'vitest';
import { mulberry32 } from '../../src/model/mulberry32.ts';

describe('mulberry32', () => {
  test('gives the same sequence for the same seed, in [0, 1)', () => {
    const a = mulberry32(42);
    const b = mulberry32(42);
    const xs = Array.from({ length: 1000 }, () => a());
    expect(xs).toEqual(Array.from({ length: 1000 }, () => b()));
    expect(xs[0]).toBe(0.6011037519201636);
    expect(xs.every((x) => x >= 0 && x < 1)).toBe(true);
  });
  test('differs between seeds', () => {
    expect(mulberry32(1)()).not.toBe(mulberry32(2)());
  });
});
