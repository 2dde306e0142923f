import { describe, expect, test } from 'vitest';
import { BugError } from '../../src/errors.ts';
import { checkedPlan } from '../../src/services/plan.ts';
import { dataBoundProblem, numberBoundProblem } from '../../src/sources/number-bounds.ts';
import { plan, planEntry } from '../support/report-builders.ts';

describe('numberBoundProblem', () => {
  test('accepts 0 and numbers from 1e-9 to 1e15', () => {
    for (const v of [0, 1e-9, 0.5, 1, 1e15]) expect(numberBoundProblem(v)).toBeUndefined();
  });
  test('names the bound a number breaks', () => {
    expect(numberBoundProblem(1e308)).toContain('above 1e+15');
    expect(numberBoundProblem(5e-324)).toContain('below 1e-9');
  });
});

describe('dataBoundProblem', () => {
  const empty = { traffic: [], traces: [], demand: [], capacity: [], evacuations: [] };
  test('holds data from any source (CloudWatch too) to the bounds, naming the series', () => {
    expect(dataBoundProblem(empty)).toBeUndefined();
    const traffic = [{ t: 1_795_000_000, region: 'us-east-1', device: 'tv', value: 1e308 }];
    expect(dataBoundProblem({ ...empty, traffic })).toBe(
      'traffic of tv in us-east-1 at 2026-11-18T11:06:40.000Z: 1e+308 is above 1e+15, the largest number evac accepts (a unit error?)',
    );
    const capacity = [{ region: 'us-east-1', service: 'authz', current: 5e-324, min: 1, max: 2 }];
    expect(dataBoundProblem({ ...empty, capacity })).toContain('current capacity of authz in us-east-1');
  });
});

describe('checkedPlan', () => {
  test('passes a plan that satisfies its schema', () => {
    const p = plan();
    expect(checkedPlan(p)).toBe(p);
  });
  test('is a bug (never printed) when a number is NaN, infinite or an interval excludes its ratio', () => {
    expect(() => checkedPlan(plan({ services: [planEntry({ weightedRatio: Number.NaN })] }))).toThrow(BugError);
    expect(() => checkedPlan(plan({ services: [planEntry({ requiredCapacity: Number.POSITIVE_INFINITY })] }))).toThrow(/requiredCapacity/);
    expect(() => checkedPlan(plan({ services: [planEntry({ ci95: [-0.5, 2] })] }))).toThrow(BugError);
    expect(() => checkedPlan(plan({ services: [planEntry({ weightedRatio: 3, ci95: [1, 2] })] }))).toThrow(/does not contain 3/);
  });
});
