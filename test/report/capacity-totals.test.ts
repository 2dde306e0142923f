import { describe, expect, test } from 'vitest';
import { capacityTotals } from '../../src/report/capacity-totals.ts';
import { planEntry as entry, plan, scenario } from '../support/report-builders.ts';

describe('capacityTotals', () => {
  test('sums capacity per scenario and receiving region and keeps the largest ratio', async () => {
    const s = scenario({
      plans: [
        plan({
          services: [
            entry({ service: 'a', region: 'us-east-1', currentCapacity: 10, requiredCapacity: 20, targetMinCapacity: 18, weightedRatio: 1.8 }),
            entry({ service: 'b', region: 'us-east-1', currentCapacity: 5, requiredCapacity: 7, targetMinCapacity: 7, weightedRatio: 1.3 }),
            entry({ service: 'a', region: 'eu-west-1', currentCapacity: 4, requiredCapacity: 5, targetMinCapacity: 5, weightedRatio: 1.1 }),
            entry({ service: 'c', region: 'eu-west-1', currentCapacity: null, requiredCapacity: null, targetMinCapacity: null, weightedRatio: 3 }),
          ],
        }),
      ],
    });
    expect(await capacityTotals([s])).toEqual([
      { failedRegion: 'us-west-2', region: 'eu-west-1', services: 1, currentCapacity: 4, requiredCapacity: 5, targetMinCapacity: 5, maxWeightedRatio: 1.1 },
      { failedRegion: 'us-west-2', region: 'us-east-1', services: 2, currentCapacity: 15, requiredCapacity: 27, targetMinCapacity: 25, maxWeightedRatio: 1.8 },
    ]);
  });

  test('is empty when no entry has a known capacity', async () => {
    expect(
      await capacityTotals([scenario({ plans: [plan({ services: [entry({ currentCapacity: null, requiredCapacity: null, targetMinCapacity: null })] })] })]),
    ).toEqual([]);
  });
});
