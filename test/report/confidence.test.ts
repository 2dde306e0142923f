import { describe, expect, test } from 'vitest';
import { lowConfidenceEntries, relativeHalfWidth } from '../../src/report/confidence.ts';
import { plan, planEntry } from '../support/report-builders.ts';

describe('relativeHalfWidth', () => {
  test('is the half-width of the 95% interval over the ratio', () => {
    expect(relativeHalfWidth({ weightedRatio: 2, ci95: [1.8, 2.2] })).toBeCloseTo(0.1, 12);
  });

  test('is 0 for a point interval and for a ratio of 0', () => {
    expect(relativeHalfWidth({ weightedRatio: 1.2, ci95: [1.2, 1.2] })).toBe(0);
    expect(relativeHalfWidth({ weightedRatio: 0, ci95: [0, 0] })).toBe(0);
  });
});

describe('lowConfidenceEntries', () => {
  test('lists the trace flags of an entry and a wide interval, skipping confident entries', () => {
    const p = plan({
      services: [
        planEntry({ service: 'confident' }),
        planEntry({ service: 'pooled', flags: ['pooled-buckets', 'exceeds-max'], traceSamples: 40 }),
        planEntry({ service: 'wide', weightedRatio: 2, ci95: [1.5, 2.5] }),
        planEntry({ service: 'blind', flags: ['no-traces', 'low-samples', 'pooled-buckets'], traceSamples: 0, weightedRatio: 2, ci95: [1, 3] }),
      ],
    });
    const low = lowConfidenceEntries(p, 0.1);
    expect(low.map((l) => [l.service, l.reasons])).toEqual([
      ['pooled', ['pooled-buckets']],
      ['wide', ['wide-interval']],
      ['blind', ['no-traces', 'low-samples', 'pooled-buckets', 'wide-interval']],
    ]);
    expect(low[1]?.relativeHalfWidth).toBeCloseTo(0.25, 12);
  });

  test('lists device-ratio-fallback: a device type whose ratio is the uniform stand-in', () => {
    const low = lowConfidenceEntries(plan({ services: [planEntry({ service: 'fallback', flags: ['device-ratio-fallback'], traceSamples: 500 })] }), 0.1);
    expect(low.map((l) => [l.service, l.reasons])).toEqual([['fallback', ['device-ratio-fallback']]]);
  });

  test('an interval exactly at the limit is not wide', () => {
    expect(lowConfidenceEntries(plan({ services: [planEntry({ weightedRatio: 2, ci95: [1.75, 2.25] })] }), 0.125)).toEqual([]);
    expect(lowConfidenceEntries(plan({ services: [planEntry({ weightedRatio: 2, ci95: [1.75, 2.25] })] }), 0.12)).toHaveLength(1);
  });
});
