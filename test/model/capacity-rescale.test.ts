import { describe, expect, test } from 'vitest';
import { capacityRescale, NearestSample } from '../../src/model/capacity-rescale.ts';
import { capacityTarget } from '../../src/model/capacity-target.ts';

describe('capacityRescale', () => {
  const base = { observedAt: 1000, observedBucket: 40, plannedBucket: 8, plannedDemand: 900, sampleAtObservation: 300, nominalAtObservation: 320 };

  test('is the planned bucket demand over the demand sampled at observation', () => {
    // 10 tasks observed at 10:00 serving 300 req/s; the 02:00 peak has 900: 30 tasks' worth.
    const r = capacityRescale(base);
    expect(r).toEqual({ factor: 3, observedAt: 1000, demandAtObservation: 300, from: 'sample' });
    // requiredCapacity = ceil(10 x 3 x 1.2 x 1.1 - 1e-9) = ceil(39.6) = 40
    expect(capacityTarget({ current: 10 * (r?.factor ?? 1), ratio: 1.2, headroom: 0.1, min: 1, max: 100 }).requiredCapacity).toBe(40);
  });
  test('uses the nominal level of the observation bucket when no sample is near', () => {
    expect(capacityRescale({ ...base, sampleAtObservation: undefined })).toEqual({
      factor: 900 / 320,
      observedAt: 1000,
      demandAtObservation: 320,
      from: 'nominal',
    });
  });
  test('leaves capacity as observed in the planned bucket, or without demand data', () => {
    expect(capacityRescale({ ...base, observedBucket: 8 })).toBeUndefined();
    expect(capacityRescale({ ...base, plannedDemand: undefined })).toBeUndefined();
    expect(capacityRescale({ ...base, sampleAtObservation: undefined, nominalAtObservation: undefined })).toBeUndefined();
    expect(capacityRescale({ ...base, sampleAtObservation: 0 })).toBeUndefined();
  });
});

describe('NearestSample', () => {
  test('keeps the sample nearest to the time within the distance, the earlier on a tie', () => {
    const n = new NearestSample(1000, 900);
    n.offer(2000, 1); // too far
    n.offer(1300, 2);
    n.offer(700, 3); // as near as 1300, earlier
    expect(n.value).toBe(3);
    n.offer(1001, 4);
    expect(n.value).toBe(4);
  });
  test('has no value when every sample is more than one bucket away', () => {
    const n = new NearestSample(1000, 900);
    n.offer(1901, 1);
    expect(n.value).toBeUndefined();
  });
});
