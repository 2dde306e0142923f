import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { deviceRatio } from '../../src/model/device-ratio.ts';
import { evacuationRatio, regionRatios, serviceRatio } from '../../src/model/evacuation-ratio.ts';
import { traceShares } from '../../src/model/trace-shares.ts';
import { uniformRatio } from '../../src/model/uniform-ratio.ts';
import { type DeviceContribution, deviceContribution, weightedRatio, weightedRatioInterval, weightedRatioOf } from '../../src/model/weighted-ratio.ts';

// The worked example (a fictional service, as in the published write-ups of the method):
// healthy region r has tv 100, android 50, ios 50; the failed region x has tv 50,
// android 100 and no ios; half of x's traffic is steered to r.
//
// | device  | share | ratio                | contribution |
// |---------|-------|----------------------|--------------|
// | tv      | 0.5   | (100+0.5*50)/100=1.25 | 0.625       |
// | android | 0.3   | (50+0.5*100)/50=2.0   | 0.600       |
// | ios     | 0.2   | (50+0)/50=1.0         | 0.200       |
// | total   | 1.0   |                       | 1.425       |
const healthy = new Map<string, number | undefined>([
  ['tv', 100],
  ['android', 50],
  ['ios', 50],
]);
const failed = new Map<string, number | undefined>([
  ['tv', 50],
  ['android', 100],
]);
const counts = (byDevice: Record<string, number[]>) => new Map(Object.entries(byDevice));

describe('deviceRatio', () => {
  test('is (T[r,d] + w*T[x,d]) / T[r,d]', () => {
    expect(deviceRatio(100, 50, 0.5)).toBe(1.25);
    expect(deviceRatio(50, 100, 0.5)).toBe(2);
  });
  test('counts a missing failed-region level as 0', () => {
    expect(deviceRatio(50, undefined, 0.5)).toBe(1);
  });
  test('is undefined when the healthy region has no traffic for the device', () => {
    expect(deviceRatio(undefined, 10, 0.5)).toBeUndefined();
    expect(deviceRatio(0, 10, 0.5)).toBeUndefined();
  });
});

describe('uniformRatio', () => {
  test('is total traffic after the shift over total traffic now', () => {
    expect(uniformRatio(healthy.values(), failed.values(), 0.5)).toBe(275 / 200);
  });
  test('is 1 when no traffic is steered to the region', () => {
    expect(uniformRatio(healthy.values(), failed.values(), 0)).toBe(1);
  });
  test('is undefined when the healthy region has no traffic', () => {
    expect(uniformRatio([undefined, 0], [10], 0.5)).toBeUndefined();
  });
});

describe('weightedRatio', () => {
  test('sums share times device ratio (the worked table)', () => {
    const w = weightedRatio(
      new Map([
        ['tv', 0.5],
        ['android', 0.3],
        ['ios', 0.2],
      ]),
      new Map([
        ['tv', 1.25],
        ['android', 2],
        ['ios', 1],
      ]),
    );
    expect(w.ratio).toBeCloseTo(1.425, 12);
    expect(w.contributions.map((c) => [c.deviceType, c.contribution])).toEqual([
      ['tv', 0.625],
      ['android', 0.6],
      ['ios', 0.2],
    ]);
  });

  test('the 95% interval is weighted ± 1.96*sqrt((sum S*rho^2 - weighted^2)/n)', () => {
    const w = weightedRatio(
      new Map([
        ['tv', 0.5],
        ['android', 0.3],
        ['ios', 0.2],
      ]),
      new Map([
        ['tv', 1.25],
        ['android', 2],
        ['ios', 1],
      ]),
    );
    // sum S*rho^2 = 0.78125 + 1.2 + 0.2 = 2.18125; variance = 2.18125 - 1.425^2 = 0.150625
    const half = 1.96 * Math.sqrt(0.150625 / 100);
    const [low, high] = weightedRatioInterval(w, 100);
    expect(low).toBeCloseTo(1.425 - half, 12);
    expect(high).toBeCloseTo(1.425 + half, 12);
  });

  test('the interval has zero width when every device scales alike', () => {
    const w = weightedRatio(new Map([['tv', 1]]), new Map([['tv', 1.7]]));
    expect(weightedRatioInterval(w, 5)).toEqual([1.7, 1.7]);
  });

  test('refuses a device without a ratio', () => {
    expect(() => weightedRatio(new Map([['tv', 1]]), new Map())).toThrow(/requires a ratio for every device/);
  });
});

describe('evacuationRatio', () => {
  test('weights device ratios by trace shares and keeps the uniform ratio beside it', () => {
    const shares = traceShares(counts({ tv: [50], android: [30], ios: [20] }), 0, 1, 100);
    const r = evacuationRatio(shares, { levels: healthy }, { levels: failed }, 0.5);
    expect(r.weightedRatio).toBeCloseTo(1.425, 12);
    expect(r.uniformRatio).toBe(1.375);
    expect(r.flags).toEqual([]);
  });

  test('falls back to the uniform ratio when the healthy region has no traffic for a device', () => {
    const shares = traceShares(counts({ tv: [50], console: [50] }), 0, 1, 100);
    const r = evacuationRatio(shares, { levels: healthy }, { levels: failed }, 0.5);
    // console has no level in r: it takes the uniform ratio 1.375
    expect(r.weightedRatio).toBeCloseTo(0.5 * 1.25 + 0.5 * 1.375, 12);
    expect(r.flags).toEqual(['device-ratio-fallback']);
  });

  test('with no traces, uses the uniform ratio and spans the device ratios in its interval', () => {
    const shares = traceShares(new Map(), 0, 1, 100);
    const r = evacuationRatio(shares, { levels: healthy }, { levels: failed }, 0.5);
    expect(r.weightedRatio).toBe(1.375);
    expect(r.ci95).toEqual([1, 2]);
    expect(r.contributions).toEqual([]);
  });

  test('flags a healthy region without traffic and plans ratio 1', () => {
    const shares = traceShares(counts({ tv: [10] }), 0, 1, 1);
    const r = evacuationRatio(shares, { levels: new Map([['tv', 0]]) }, { levels: failed }, 0.5);
    expect(r.weightedRatio).toBe(1);
    expect(r.flags).toContain('no-regional-traffic');
  });
});

describe('weightedRatioInterval bounds', () => {
  test('stays within the device ratios with few samples (never a negative bound)', () => {
    // Two devices, one sample each: the normal approximation alone would give [-18.1, 119.1].
    const w = weightedRatio(
      new Map([
        ['tv', 0.5],
        ['ios', 0.5],
      ]),
      new Map([
        ['tv', 1],
        ['ios', 100],
      ]),
    );
    expect(weightedRatioInterval(w, 2)).toEqual([1, 100]);
    expect(weightedRatioInterval(w, 0.01)).toEqual([1, 100]);
  });
  test('does not overflow for large ratios', () => {
    const w = weightedRatio(
      new Map([
        ['tv', 0.5],
        ['ios', 0.5],
      ]),
      new Map([
        ['tv', 1e200],
        ['ios', 3e200],
      ]),
    );
    const [low, high] = weightedRatioInterval(w, 1e6);
    expect(Number.isFinite(low) && Number.isFinite(high)).toBe(true);
    expect(low).toBeLessThan(2e200);
    expect(high).toBeGreaterThan(2e200);
  });
});

describe('evacuationRatio no-history', () => {
  const shares = traceShares(counts({ tv: [10] }), 0, 1, 1);
  test('flags a failed region with no sample in the bucket when traffic is steered', () => {
    const r = evacuationRatio(shares, { levels: healthy }, { levels: new Map([['tv', undefined]]) }, 0.5);
    expect(r.flags).toContain('no-history');
  });
  test('flags a healthy region with no sample in the bucket', () => {
    const r = evacuationRatio(shares, { levels: new Map([['tv', undefined]]) }, { levels: failed }, 0.5);
    expect(r.flags).toEqual(expect.arrayContaining(['no-history', 'no-regional-traffic']));
  });
  test('does not flag a failed region whose samples are 0 (it has history), nor a region steered nothing', () => {
    expect(evacuationRatio(shares, { levels: healthy }, { levels: new Map([['tv', 0]]) }, 0.5).flags).not.toContain('no-history');
    expect(evacuationRatio(shares, { levels: healthy }, { levels: new Map() }, 0).flags).not.toContain('no-history');
  });
});

describe('evacuationRatio unbounded-ratio (a zero baseline)', () => {
  const shares = traceShares(counts({ tv: [10] }), 0, 1, 1);
  const zero = new Map<string, number | undefined>([
    ['tv', 0],
    ['ios', 0],
  ]);

  test('flags a receiving region whose samples are all 0 while the failed region sends it traffic', () => {
    const r = evacuationRatio(shares, { levels: zero }, { levels: failed }, 0.5);
    expect(r.flags).toEqual(expect.arrayContaining(['unbounded-ratio', 'no-regional-traffic']));
    expect(r.flags).not.toContain('no-history');
    expect(r.weightedRatio).toBe(1);
  });

  test('does not flag a region steered nothing: it is inert', () => {
    expect(evacuationRatio(shares, { levels: zero }, { levels: failed }, 0).flags).not.toContain('unbounded-ratio');
  });

  test('does not flag it when the failed region sends 0 as well: nothing moves, ratio 1 is right', () => {
    const r = evacuationRatio(shares, { levels: zero }, { levels: new Map([['tv', 0]]) }, 0.5);
    expect(r.flags).toContain('no-regional-traffic');
    expect(r.flags).not.toContain('unbounded-ratio');
    expect(r.weightedRatio).toBe(1);
  });

  test('a region without any sample is no-history, not unbounded-ratio', () => {
    const r = evacuationRatio(shares, { levels: new Map([['tv', undefined]]) }, { levels: failed }, 0.5);
    expect(r.flags).toContain('no-history');
    expect(r.flags).not.toContain('unbounded-ratio');
  });

  test('one device type with traffic is a baseline: the others fall back to the uniform ratio instead', () => {
    const r = evacuationRatio(
      shares,
      {
        levels: new Map([
          ['tv', 0],
          ['ios', 5],
        ]),
      },
      { levels: failed },
      0.5,
    );
    expect(r.flags).toEqual(['device-ratio-fallback']);
  });
});

describe('weightedRatioInterval containment', () => {
  test('always holds the ratio, even when rounding puts the sum above every device ratio', () => {
    // 0.1 + 0.2 + 0.7 shares of the same ratio sum to a hair above it.
    const rho = 1e24 / 3;
    const w = weightedRatio(
      new Map([
        ['a', 0.1],
        ['b', 0.2],
        ['c', 0.7],
      ]),
      new Map([
        ['a', rho],
        ['b', rho],
        ['c', rho],
      ]),
    );
    const [low, high] = weightedRatioInterval(w, 10);
    expect(low).toBeLessThanOrEqual(w.ratio);
    expect(high).toBeGreaterThanOrEqual(w.ratio);
  });
});

describe('weightedRatioOf', () => {
  test('sums the contributions in the order given and lists them largest first', () => {
    const w = weightedRatioOf([deviceContribution('ios', 0.2, 1), deviceContribution('tv', 0.5, 1.25), deviceContribution('android', 0.3, 2)]);
    expect(w.ratio).toBe(0 + 0.2 * 1 + 0.5 * 1.25 + 0.3 * 2);
    expect(w.contributions.map((c) => c.deviceType)).toEqual(['tv', 'android', 'ios']);
  });

  test('orders equal contributions by device name', () => {
    const w = weightedRatioOf([deviceContribution('tv', 0.5, 1), deviceContribution('android', 0.25, 2), deviceContribution('ios', 0.25, 1)]);
    expect(w.contributions.map((c) => c.deviceType)).toEqual(['android', 'tv', 'ios']);
  });

  test('puts the contributions in the order Array.prototype.sort gives with the same comparison', () => {
    const contribution = fc.record({
      deviceType: fc.constantFrom('tv', 'ios', 'android', 'web', 'console', 'settop', 'TV', 'é'),
      share: fc.constantFrom(0, 0.1, 0.25, 0.5, 1),
      ratio: fc.constantFrom(0, 1, 1.25, 2, 1e-9, 1e15),
    });
    fc.assert(
      fc.property(fc.array(contribution, { maxLength: 12 }), (cs) => {
        const list: DeviceContribution[] = cs.map((c) => deviceContribution(c.deviceType, c.share, c.ratio));
        // Largest first; ties by device name in UTF-16 code units (the same on every machine).
        const expected = list
          .slice()
          .sort((a, b) => b.contribution - a.contribution || (a.deviceType < b.deviceType ? -1 : a.deviceType > b.deviceType ? 1 : 0));
        expect(weightedRatioOf(list.slice()).contributions).toEqual(expected);
        // The same objects, in the same places (a stable sort keeps equal ones in their order).
        const sorted = weightedRatioOf(list).contributions;
        for (let i = 0; i < sorted.length; i++) expect(sorted[i]).toBe(expected[i]);
      }),
    );
  });
});

describe('regionRatios', () => {
  test("holds the region's uniform ratio, each device type's ratio and the range of both", () => {
    const r = regionRatios({ levels: new Map([...healthy, ['web', 0]]) }, { levels: failed }, 0.5);
    expect(r.uniformRatio).toBe(1.375);
    expect(Object.fromEntries(r.deviceRatios)).toEqual({ tv: 1.25, android: 2, ios: 1, web: undefined });
    expect(r.range).toEqual([1, 2]);
    expect(r.flags).toEqual([]);
  });

  test('with no regional traffic: ratio 1, flagged, and a range of 1', () => {
    const r = regionRatios({ levels: new Map([['tv', 0]]) }, { levels: failed }, 0.5);
    expect(r.uniformRatio).toBe(1);
    expect(r.range).toEqual([1, 1]);
    expect(r.flags).toEqual(['no-regional-traffic', 'unbounded-ratio']);
  });
});

describe('serviceRatio', () => {
  const region = regionRatios({ levels: healthy }, { levels: failed }, 0.5);

  test("is the evacuation ratio from the region's part: the same for every service of the region", () => {
    for (const byDevice of [{ tv: [50], android: [30], ios: [20] }, { tv: [1], console: [3] }, {}]) {
      const shares = traceShares(counts(byDevice), 0, 1, 100);
      expect(serviceRatio(shares, region)).toEqual(evacuationRatio(shares, { levels: healthy }, { levels: failed }, 0.5));
    }
  });

  test("adds device-ratio-fallback after the region's flags where a device type has no ratio", () => {
    const noHistory = regionRatios({ levels: healthy }, { levels: new Map([['tv', undefined]]) }, 0.5);
    const r = serviceRatio(traceShares(counts({ tv: [50], console: [50] }), 0, 1, 100), noHistory);
    expect(r.flags).toEqual(['no-history', 'device-ratio-fallback']);
    expect(noHistory.flags).toEqual(['no-history']);
  });

  test('with no traces: the uniform ratio within the range of the region', () => {
    const r = serviceRatio(traceShares(new Map(), 0, 1, 100), region);
    expect(r).toEqual({ weightedRatio: 1.375, uniformRatio: 1.375, ci95: [1, 2], contributions: [], flags: [] });
  });

  test('returns new contributions and interval for each service (a plan keeps them)', () => {
    const shares = traceShares(counts({ tv: [50], android: [30], ios: [20] }), 0, 1, 100);
    const a = serviceRatio(shares, region);
    const b = serviceRatio(shares, region);
    expect(a.contributions).not.toBe(b.contributions);
    expect(a.contributions[0]).not.toBe(b.contributions[0]);
    expect(a.ci95).not.toBe(b.ci95);
  });
});
